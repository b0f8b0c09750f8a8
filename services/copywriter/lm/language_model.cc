#include "services/copywriter/lm/language_model.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "services/copywriter/lm/internal/model_access.h"
#include "services/copywriter/lm/internal/serialization.h"
#include "services/copywriter/lm/internal/transformer.h"

namespace aigc::copy_lm {
namespace {

absl::Status CheckToken(int32_t token, int vocab_size, const std::string& field) {
  if (token < 0 || token >= vocab_size) {
    return status::InvalidField(field,
                                absl::StrCat("token ", token, " is outside [0, ", vocab_size, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckDevice(runtime::Device device) {
  if (device == runtime::Device::kCuda && !runtime::CudaAvailable()) {
    return absl::FailedPreconditionError("CUDA requested but LibTorch sees no CUDA device");
  }
  return absl::OkStatus();
}

// Copies a [rows, vocab] tensor to host vectors.
LogitsBatch ToLogitsBatch(const torch::Tensor& logits) {
  const torch::Tensor host = logits.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t rows = host.size(0);
  const int64_t vocab = host.size(1);
  const float* data = host.data_ptr<float>();
  LogitsBatch batch(rows);
  for (int64_t r = 0; r < rows; ++r) batch[r].assign(data + r * vocab, data + (r + 1) * vocab);
  return batch;
}

}  // namespace

struct DecodeState::Impl {
  const LanguageModel* owner;
  internal::SequenceCache cache;
};

DecodeState::DecodeState(const LanguageModel* owner) : impl_(new Impl{owner, {}}) {}

DecodeState::~DecodeState() = default;

int DecodeState::length() const { return static_cast<int>(impl_->cache.length); }

void DecodeState::Reset() { impl_->cache.length = 0; }

struct LanguageModel::Impl {
  internal::Transformer module;
  runtime::Device device;
  torch::Device torch_device;
};

namespace internal {

TransformerImpl& LanguageModelAccess::Module(const LanguageModel& model) {
  return *model.impl_->module;
}

const torch::Device& LanguageModelAccess::Device(const LanguageModel& model) {
  return model.impl_->torch_device;
}

}  // namespace internal

LanguageModel::LanguageModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LanguageModel::~LanguageModel() = default;

absl::StatusOr<std::unique_ptr<LanguageModel>> LanguageModel::Create(const LmConfig& config,
                                                                     runtime::Device device,
                                                                     uint64_t init_seed) {
  AIGC_RETURN_IF_ERROR(ValidateLmConfig(config));
  AIGC_RETURN_IF_ERROR(CheckDevice(device));
  const torch::Device torch_device = runtime::ToTorchDevice(device);
  try {
    internal::Transformer module(config);
    module->Initialize(init_seed);
    module->to(torch_device);
    return std::unique_ptr<LanguageModel>(
        new LanguageModel(std::make_unique<Impl>(Impl{std::move(module), device, torch_device})));
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("cannot build the language model: ", runtime::TorchErrorMessage(e)));
  }
}

absl::StatusOr<std::unique_ptr<LanguageModel>> LanguageModel::Load(
    const std::filesystem::path& path, runtime::Device device) {
  AIGC_RETURN_IF_ERROR(CheckDevice(device));
  const torch::Device torch_device = runtime::ToTorchDevice(device);
  torch::serialize::InputArchive archive;
  AIGC_RETURN_IF_ERROR(runtime::OpenArchive(path, torch_device, archive));
  AIGC_ASSIGN_OR_RETURN(const LmConfig config, internal::ReadConfig(archive));
  try {
    internal::Transformer module(config);
    module->to(torch_device);
    if (absl::Status read = internal::ReadParameters(archive, *module); !read.ok()) {
      return absl::Status(read.code(), absl::StrCat(path.string(), ": ", read.message()));
    }
    return std::unique_ptr<LanguageModel>(
        new LanguageModel(std::make_unique<Impl>(Impl{std::move(module), device, torch_device})));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("cannot build the language model of ", path.string(),
                                            ": ", runtime::TorchErrorMessage(e)));
  }
}

absl::Status LanguageModel::Save(const std::filesystem::path& path) const {
  try {
    torch::serialize::OutputArchive archive;
    internal::WriteModel(*impl_->module, archive);
    return runtime::SaveArchive(archive, path);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("cannot serialise the language model: ", runtime::TorchErrorMessage(e)));
  }
}

const LmConfig& LanguageModel::config() const { return impl_->module->config(); }

runtime::Device LanguageModel::device() const { return impl_->device; }

int64_t LanguageModel::parameter_count() const {
  int64_t count = 0;
  for (const torch::Tensor& parameter : impl_->module->parameters()) count += parameter.numel();
  return count;
}

std::unique_ptr<DecodeState> LanguageModel::NewDecodeState() const {
  return std::unique_ptr<DecodeState>(new DecodeState(this));
}

absl::Status LanguageModel::CopyState(const DecodeState& source, int length,
                                      DecodeState& target) const {
  if (source.impl_->owner != this) return status::InvalidField("source", "was made by another model");
  if (target.impl_->owner != this) return status::InvalidField("target", "was made by another model");
  if (&source == &target) return status::InvalidField("target", "is the source");
  if (length < 0 || length > source.length()) {
    return status::InvalidField("length", absl::StrCat("must be in [0, ", source.length(),
                                                       "], got ", length));
  }
  const internal::SequenceCache& from = source.impl_->cache;
  internal::SequenceCache& to = target.impl_->cache;
  try {
    c10::InferenceMode inference;
    if (to.keys.empty()) {
      for (size_t l = 0; l < from.keys.size(); ++l) {
        to.keys.push_back(torch::zeros_like(from.keys[l]));
        to.values.push_back(torch::zeros_like(from.values[l]));
      }
    }
    for (size_t l = 0; l < from.keys.size() && length > 0; ++l) {
      to.keys[l].narrow(1, 0, length).copy_(from.keys[l].narrow(1, 0, length));
      to.values[l].narrow(1, 0, length).copy_(from.values[l].narrow(1, 0, length));
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("copying a state failed: ", runtime::TorchErrorMessage(e)));
  }
  to.length = length;
  return absl::OkStatus();
}

absl::StatusOr<LogitsBatch> LanguageModel::Prefill(
    std::span<DecodeState* const> states, const std::vector<std::vector<int32_t>>& tokens) const {
  return Advance(states, {tokens.begin(), tokens.end()}, "prompts", /*restart=*/true);
}

absl::StatusOr<LogitsBatch> LanguageModel::Extend(
    std::span<DecodeState* const> states, const std::vector<std::vector<int32_t>>& tokens) const {
  return Advance(states, {tokens.begin(), tokens.end()}, "tokens", /*restart=*/false);
}

absl::StatusOr<LogitsBatch> LanguageModel::Step(std::span<DecodeState* const> states,
                                                std::span<const int32_t> tokens) const {
  std::vector<std::span<const int32_t>> chunks;
  chunks.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    AIGC_RETURN_IF_ERROR(
        CheckToken(tokens[i], config().vocab_size, absl::StrCat("tokens[", i, "]")));
    chunks.push_back(tokens.subspan(i, 1));
  }
  return Advance(states, chunks, "tokens", /*restart=*/false);
}

absl::StatusOr<LogitsBatch> LanguageModel::Advance(
    std::span<DecodeState* const> states, const std::vector<std::span<const int32_t>>& chunks,
    const char* field, bool restart) const {
  const LmConfig& config = this->config();
  if (states.empty()) return status::InvalidField("states", "must not be empty");
  if (chunks.size() != states.size()) {
    return status::InvalidField(
        field, absl::StrCat("has ", chunks.size(), " entries for ", states.size(), " states"));
  }
  absl::flat_hash_set<const DecodeState*> seen;
  for (size_t i = 0; i < states.size(); ++i) {
    const std::string state_field = absl::StrCat("states[", i, "]");
    const std::string chunk_field = absl::StrCat(field, "[", i, "]");
    if (states[i] == nullptr) return status::InvalidField(state_field, "is null");
    if (states[i]->impl_->owner != this) {
      return status::InvalidField(state_field, "was made by another model");
    }
    if (!seen.insert(states[i]).second) {
      return status::InvalidField(state_field, "appears more than once in the batch");
    }
    if (chunks[i].empty()) return status::InvalidField(chunk_field, "must not be empty");
    for (size_t j = 0; j < chunks[i].size(); ++j) {
      AIGC_RETURN_IF_ERROR(
          CheckToken(chunks[i][j], config.vocab_size, absl::StrCat(chunk_field, "[", j, "]")));
    }
    const int64_t held = restart ? 0 : states[i]->length();
    if (held + static_cast<int64_t>(chunks[i].size()) > config.context_length) {
      return absl::OutOfRangeError(
          absl::StrCat(state_field, ": holds ", held, " tokens; ", chunks[i].size(),
                       " more would exceed context_length ", config.context_length));
    }
  }
  std::vector<internal::SequenceCache*> caches;
  caches.reserve(states.size());
  for (DecodeState* state : states) {
    if (restart) state->Reset();
    caches.push_back(&state->impl_->cache);
  }
  try {
    c10::InferenceMode inference;
    return ToLogitsBatch(impl_->module->Extend(caches, chunks));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("decoding failed: ", runtime::TorchErrorMessage(e)));
  }
}

absl::StatusOr<LogitsBatch> LanguageModel::Logits(std::span<const int32_t> tokens) const {
  const LmConfig& config = this->config();
  if (tokens.empty()) return status::InvalidField("tokens", "must not be empty");
  if (tokens.size() > static_cast<size_t>(config.context_length)) {
    return absl::OutOfRangeError(absl::StrCat(
        "tokens: ", tokens.size(), " tokens exceed context_length ", config.context_length));
  }
  std::vector<int64_t> ids(tokens.begin(), tokens.end());
  for (size_t i = 0; i < tokens.size(); ++i) {
    AIGC_RETURN_IF_ERROR(CheckToken(tokens[i], config.vocab_size, absl::StrCat("tokens[", i, "]")));
  }
  try {
    c10::InferenceMode inference;
    const torch::Tensor input =
        torch::tensor(ids).view({1, static_cast<int64_t>(ids.size())}).to(impl_->torch_device);
    return ToLogitsBatch(impl_->module->Forward(input, /*dropout=*/nullptr)[0]);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("scoring failed: ", runtime::TorchErrorMessage(e)));
  }
}

}  // namespace aigc::copy_lm
