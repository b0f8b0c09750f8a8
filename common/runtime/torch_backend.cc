#include "common/runtime/torch_backend.h"

#include <cstring>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/runtime/internal/builtin_architectures.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "torch/script.h"

namespace aigc::runtime {
namespace {

namespace fs = std::filesystem;

class ArchitectureRegistry {
 public:
  static ArchitectureRegistry& Get() {
    static auto* registry = new ArchitectureRegistry();
    return *registry;
  }

  absl::Status Register(const std::string& name, ArchitectureFactory factory) {
    absl::MutexLock lock(&mu_);
    if (!factories_.emplace(name, std::move(factory)).second) {
      return absl::AlreadyExistsError(absl::StrCat("architecture \"", name, "\" is registered"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ArchitectureFactory> Find(absl::string_view name) const {
    absl::MutexLock lock(&mu_);
    auto it = factories_.find(name);
    if (it == factories_.end()) {
      return absl::NotFoundError(absl::StrCat("unknown architecture \"", name, "\""));
    }
    return it->second;
  }

 private:
  ArchitectureRegistry() {
    for (auto& [name, factory] : internal::BuiltinArchitectures()) {
      factories_.emplace(name, std::move(factory));
    }
  }

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, ArchitectureFactory> factories_ ABSL_GUARDED_BY(mu_);
};

std::vector<torch::Tensor> ToTorchInputs(const std::vector<Tensor>& inputs,
                                         const torch::Device& device) {
  std::vector<torch::Tensor> converted;
  converted.reserve(inputs.size());
  for (const Tensor& input : inputs) converted.push_back(ToTorch(input, device));
  return converted;
}

absl::StatusOr<std::vector<Tensor>> FromTorchOutputs(const std::vector<torch::Tensor>& outputs) {
  std::vector<Tensor> converted;
  converted.reserve(outputs.size());
  for (const torch::Tensor& output : outputs) {
    AIGC_ASSIGN_OR_RETURN(Tensor host, FromTorch(output));
    converted.push_back(std::move(host));
  }
  return converted;
}

// One of our torch::nn modules.
class ModuleModel : public Model {
 public:
  ModuleModel(std::shared_ptr<ServableModule> module, torch::Device device)
      : module_(std::move(module)), device_(device) {}

  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) override {
    try {
      c10::InferenceMode inference;
      return FromTorchOutputs(module_->Serve(ToTorchInputs(inputs, device_)));
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("model computation failed: ", TorchErrorMessage(e)));
    }
  }

 private:
  const std::shared_ptr<ServableModule> module_;
  const torch::Device device_;
};

// A TorchScript module; forward returns a tensor or a tuple/list of tensors.
class ScriptModel : public Model {
 public:
  ScriptModel(torch::jit::Module module, torch::Device device)
      : module_(std::move(module)), device_(device) {}

  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) override {
    try {
      c10::InferenceMode inference;
      std::vector<torch::jit::IValue> arguments;
      for (torch::Tensor& input : ToTorchInputs(inputs, device_)) arguments.emplace_back(input);
      const torch::jit::IValue result = module_.forward(std::move(arguments));
      std::vector<torch::Tensor> outputs;
      if (result.isTensor()) {
        outputs.push_back(result.toTensor());
      } else if (result.isTuple()) {
        for (const auto& element : result.toTupleRef().elements()) {
          outputs.push_back(element.toTensor());
        }
      } else if (result.isTensorList()) {
        for (const torch::Tensor& element : result.toTensorVector()) outputs.push_back(element);
      } else {
        return absl::InternalError(
            "TorchScript forward must return a tensor or a tuple or list of tensors");
      }
      return FromTorchOutputs(outputs);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("model computation failed: ", TorchErrorMessage(e)));
    }
  }

 private:
  torch::jit::Module module_;
  const torch::Device device_;
};

// Loads saved parameters and buffers into `module`, refusing a file whose
// tensors do not have the shapes the architecture built (torch would
// silently take the file's shapes).
absl::Status LoadParameters(ServableModule& module, const fs::path& weights,
                            const torch::Device& device) {
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& item : module.named_parameters()) {
    expected[item.key()] = item.value().sizes().vec();
  }
  for (const auto& item : module.named_buffers()) expected[item.key()] = item.value().sizes().vec();
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(weights.string(), device);
    module.load(archive);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot load ", weights.string(), " into its architecture: ", TorchErrorMessage(e)));
  }
  auto check = [&](const std::string& name, const torch::Tensor& tensor) -> absl::Status {
    if (tensor.sizes().vec() != expected[name]) {
      return absl::FailedPreconditionError(absl::StrCat(
          weights.string(), ": ", name, " has shape ", ShapeString(tensor.sizes().vec()),
          ", the architecture's config needs ", ShapeString(expected[name])));
    }
    return absl::OkStatus();
  };
  for (const auto& item : module.named_parameters()) {
    AIGC_RETURN_IF_ERROR(check(item.key(), item.value()));
  }
  for (const auto& item : module.named_buffers()) {
    AIGC_RETURN_IF_ERROR(check(item.key(), item.value()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArchitecture(const std::string& name, ArchitectureFactory factory) {
  return ArchitectureRegistry::Get().Register(name, std::move(factory));
}

absl::StatusOr<std::shared_ptr<ServableModule>> BuildArchitecture(
    absl::string_view name, const google::protobuf::Struct& config) {
  AIGC_ASSIGN_OR_RETURN(const ArchitectureFactory factory, ArchitectureRegistry::Get().Find(name));
  try {
    return factory(config);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("architecture \"", name,
                                                   "\" rejected its config: ",
                                                   TorchErrorMessage(e)));
  }
}

torch::Device ToTorchDevice(Device device) {
  return device == Device::kCuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

torch::Tensor ToTorch(const Tensor& tensor, const torch::Device& device) {
  const auto dtype = tensor.dtype() == v1::DATA_TYPE_INT64 ? torch::kInt64 : torch::kFloat32;
  // On the CPU the result borrows the host memory (no copy): it is valid while
  // `tensor` lives, and modules must not write to their inputs.
  const torch::Tensor borrowed =
      torch::from_blob(const_cast<void*>(tensor.data()), tensor.shape(), dtype);
  return device.is_cpu() ? borrowed : borrowed.to(device);
}

absl::StatusOr<Tensor> FromTorch(const torch::Tensor& tensor) {
  const torch::Tensor host = tensor.to(torch::kCPU).contiguous();
  std::vector<int64_t> shape = host.sizes().vec();
  if (host.scalar_type() == torch::kFloat32) {
    const float* data = host.data_ptr<float>();
    return Tensor::Float32(std::move(shape), std::vector<float>(data, data + host.numel()));
  }
  if (host.scalar_type() == torch::kInt64) {
    const int64_t* data = host.data_ptr<int64_t>();
    return Tensor::Int64(std::move(shape), std::vector<int64_t>(data, data + host.numel()));
  }
  return absl::InternalError(absl::StrCat("model returned a tensor of type ",
                                          c10::toString(host.scalar_type()),
                                          "; the runtime takes float32 and int64"));
}

absl::StatusOr<std::unique_ptr<Model>> LoadTorchModel(const fs::path& version_dir,
                                                      const ModelManifest& manifest,
                                                      Device device) {
  if (manifest.format() == v1::MODEL_FORMAT_NATIVE) {
    return status::InvalidField(
        "format", absl::StrCat("MODEL_FORMAT_NATIVE (\"", manifest.architecture(),
                               "\") needs the serving binary's own loader, not LibTorch"));
  }
  AIGC_RETURN_IF_ERROR(VerifyWeights(version_dir, manifest));
  const fs::path weights = version_dir / manifest.weights_file();
  const torch::Device torch_device = ToTorchDevice(device);
  if (manifest.format() == v1::MODEL_FORMAT_TORCHSCRIPT) {
    try {
      torch::jit::Module module = torch::jit::load(weights.string(), torch_device);
      module.eval();
      return std::unique_ptr<Model>(new ScriptModel(std::move(module), torch_device));
    } catch (const std::exception& e) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot load TorchScript ", weights.string(), ": ", TorchErrorMessage(e)));
    }
  }
  AIGC_ASSIGN_OR_RETURN(std::shared_ptr<ServableModule> module,
                        BuildArchitecture(manifest.architecture(), manifest.config()));
  AIGC_RETURN_IF_ERROR(LoadParameters(*module, weights, torch_device));
  module->to(torch_device);
  module->eval();
  return std::unique_ptr<Model>(new ModuleModel(std::move(module), torch_device));
}

absl::StatusOr<ModelManifest> PublishTorchModule(const fs::path& root, ModelManifest manifest,
                                                 torch::nn::Module& module) {
  manifest.set_format(v1::MODEL_FORMAT_TORCH_MODULE);
  if (manifest.weights_file().empty()) manifest.set_weights_file("model.pt");
  return PublishModelVersion(root, std::move(manifest), [&](const fs::path& path) {
    try {
      torch::serialize::OutputArchive archive;
      module.save(archive);
      archive.save_to(path.string());
    } catch (const std::exception& e) {
      return absl::InternalError(
          absl::StrCat("cannot save to ", path.string(), ": ", TorchErrorMessage(e)));
    }
    return absl::OkStatus();
  });
}

std::string TorchErrorMessage(const std::exception& e) {
  if (const auto* error = dynamic_cast<const c10::Error*>(&e)) {
    return error->what_without_backtrace();
  }
  return e.what();
}

absl::Status SaveArchive(torch::serialize::OutputArchive& archive, const fs::path& path) {
  fs::path temporary = path;
  temporary += ".tmp";
  try {
    archive.save_to(temporary.string());
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("cannot write ", temporary.string(), ": ", TorchErrorMessage(e)));
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot rename ", temporary.string(), " to ",
                                            path.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status OpenArchive(const fs::path& path, const torch::Device& device,
                         torch::serialize::InputArchive& archive) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    return absl::NotFoundError(absl::StrCat("no file at ", path.string()));
  }
  try {
    archive.load_from(path.string(), device);
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat(path.string(), " is not a readable LibTorch archive: ", TorchErrorMessage(e)));
  }
  return absl::OkStatus();
}

}  // namespace aigc::runtime
