#include "common/runtime/manifest.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/runtime/tensor.h"
#include "common/status/status.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace aigc::runtime {
namespace {

namespace fs = std::filesystem;
using status::InvalidField;

bool IsNameChar(char c, bool allow_dash) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || (allow_dash && c == '-');
}

bool IsValidName(absl::string_view name, bool allow_dash) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!IsNameChar(c, allow_dash)) return false;
  }
  return true;
}

absl::Status ValidateSpecs(const google::protobuf::RepeatedPtrField<v1::TensorSpec>& specs,
                           absl::string_view field) {
  if (specs.empty()) return InvalidField(field, "at least one is required");
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < specs.size(); ++i) {
    const v1::TensorSpec& spec = specs[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (!IsValidName(spec.name(), /*allow_dash=*/false)) {
      return InvalidField(absl::StrCat(at, ".name"),
                          absl::StrCat("must match [a-z0-9_]{1,64}, got \"", spec.name(), "\""));
    }
    if (!names.insert(spec.name()).second) {
      return InvalidField(absl::StrCat(at, ".name"), absl::StrCat("duplicate \"", spec.name(), "\""));
    }
    if (spec.dtype() != v1::DATA_TYPE_FLOAT32 && spec.dtype() != v1::DATA_TYPE_INT64) {
      return InvalidField(absl::StrCat(at, ".dtype"), "must be DATA_TYPE_FLOAT32 or DATA_TYPE_INT64");
    }
    for (int d = 0; d < spec.shape_size(); ++d) {
      const bool ok = spec.shape(d) >= 1 || (d == 0 && spec.shape(d) == -1);
      if (!ok) {
        return InvalidField(absl::StrCat(at, ".shape"),
                            absl::StrCat("dimension ", d, " is ", spec.shape(d),
                                         "; dimensions are >= 1, only the first may be -1"));
      }
    }
  }
  return absl::OkStatus();
}

// Reads a whole small file.
absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::Status WriteFile(const fs::path& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

const google::protobuf::Value* FindKey(const google::protobuf::Struct& config,
                                       absl::string_view key) {
  auto it = config.fields().find(std::string(key));
  return it == config.fields().end() ? nullptr : &it->second;
}

absl::StatusOr<int64_t> WholeNumber(const google::protobuf::Value& value, absl::string_view field) {
  if (value.kind_case() != google::protobuf::Value::kNumberValue) {
    return InvalidField(field, "must be a number");
  }
  const double number = value.number_value();
  if (std::trunc(number) != number || std::abs(number) > 9.0e15) {
    return InvalidField(field, absl::StrCat("must be a whole number, got ", number));
  }
  return static_cast<int64_t>(number);
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> ListVersions(const fs::path& model_dir) {
  std::error_code error;
  fs::directory_iterator it(model_dir, error);
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("model directory ", model_dir.string(), ": ", error.message()));
  }
  std::vector<int64_t> versions;
  for (const fs::directory_entry& entry : it) {
    int64_t version = 0;
    const std::string name = entry.path().filename().string();
    const bool all_digits = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return absl::ascii_isdigit(c);
    });
    if (all_digits && absl::SimpleAtoi(name, &version) && version > 0 &&
        entry.is_directory(error)) {
      versions.push_back(version);
    }
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

absl::Status ValidateManifest(const ModelManifest& manifest) {
  if (!IsValidName(manifest.name(), /*allow_dash=*/true)) {
    return InvalidField("name", absl::StrCat("must match [a-z0-9_-]{1,64}, got \"",
                                             manifest.name(), "\""));
  }
  if (manifest.version() <= 0) return InvalidField("version", "must be positive");
  switch (manifest.format()) {
    case v1::MODEL_FORMAT_TORCH_MODULE:
      if (manifest.architecture().empty()) {
        return InvalidField("architecture", "required for MODEL_FORMAT_TORCH_MODULE");
      }
      break;
    case v1::MODEL_FORMAT_TORCHSCRIPT:
      break;
    case v1::MODEL_FORMAT_NATIVE:
      if (manifest.architecture().empty()) {
        return InvalidField("architecture", "required for MODEL_FORMAT_NATIVE");
      }
      break;
    default:
      return InvalidField("format",
                          "must be MODEL_FORMAT_TORCH_MODULE, MODEL_FORMAT_TORCHSCRIPT or "
                          "MODEL_FORMAT_NATIVE");
  }
  const std::string& weights = manifest.weights_file();
  if (weights.empty() || weights.find('/') != std::string::npos || weights == "." ||
      weights == ".." || weights == kManifestFileName) {
    return InvalidField("weights_file", "must be a file name inside the version directory");
  }
  if (manifest.sha256().size() != 64 ||
      !std::all_of(manifest.sha256().begin(), manifest.sha256().end(), [](char c) {
        return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
      })) {
    return InvalidField("sha256", "must be 64 lower-case hex digits");
  }
  AIGC_RETURN_IF_ERROR(ValidateSpecs(manifest.inputs(), "inputs"));
  AIGC_RETURN_IF_ERROR(ValidateSpecs(manifest.outputs(), "outputs"));
  const bool has_variable_input =
      std::any_of(manifest.inputs().begin(), manifest.inputs().end(), IsVariableLength);
  const bool has_variable_output =
      std::any_of(manifest.outputs().begin(), manifest.outputs().end(), IsVariableLength);
  if (has_variable_output && !has_variable_input) {
    return InvalidField("outputs", "a variable-length output needs a variable-length input");
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelManifest> ReadManifest(const fs::path& version_dir, absl::string_view name,
                                           int64_t version) {
  const fs::path path = version_dir / kManifestFileName;
  if (!fs::exists(path)) {
    return absl::NotFoundError(absl::StrCat("missing ", path.string()));
  }
  AIGC_ASSIGN_OR_RETURN(const std::string json, ReadFile(path));
  ModelManifest manifest;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &manifest);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), ": not a valid manifest: ", parsed.message().as_string()));
  }
  absl::Status valid = ValidateManifest(manifest);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path.string(), ": ", valid.message()));
  }
  if (manifest.name() != name || manifest.version() != version) {
    return absl::InvalidArgumentError(absl::StrCat(
        path.string(), ": names model \"", manifest.name(), "\" version ", manifest.version(),
        " but lives in the directory of \"", name, "\" version ", version));
  }
  return manifest;
}

absl::StatusOr<std::string> Sha256OfFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                   &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("cannot initialise SHA-256");
  }
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(context.get(), buffer.data(), in.gcount());
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading ", path.string()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

absl::Status VerifyWeights(const fs::path& version_dir, const ModelManifest& manifest) {
  const fs::path weights = version_dir / manifest.weights_file();
  AIGC_ASSIGN_OR_RETURN(const std::string actual, Sha256OfFile(weights));
  if (actual != manifest.sha256()) {
    return absl::DataLossError(absl::StrCat("sha256 mismatch for ", weights.string(),
                                            ": manifest says ", manifest.sha256(),
                                            ", file has ", actual));
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelManifest> PublishModelVersion(
    const fs::path& root, ModelManifest manifest,
    const std::function<absl::Status(const fs::path&)>& write_weights) {
  const fs::path model_dir = root / manifest.name();
  std::error_code error;
  fs::create_directories(model_dir, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", model_dir.string(), ": ",
                                            error.message()));
  }
  if (manifest.version() == 0) {
    AIGC_ASSIGN_OR_RETURN(const std::vector<int64_t> versions, ListVersions(model_dir));
    manifest.set_version(versions.empty() ? 1 : versions.back() + 1);
  }
  const fs::path final_dir = model_dir / std::to_string(manifest.version());
  if (fs::exists(final_dir)) {
    return absl::AlreadyExistsError(absl::StrCat(final_dir.string(), " already exists"));
  }
  // Checked with a placeholder checksum: the real one is known only after writing.
  manifest.set_sha256(std::string(64, '0'));
  AIGC_RETURN_IF_ERROR(ValidateManifest(manifest));

  const fs::path staging =
      model_dir / absl::StrCat(".staging-", manifest.version(), "-", getpid());
  fs::remove_all(staging, error);
  fs::create_directories(staging, error);
  auto publish = [&]() -> absl::Status {
    AIGC_RETURN_IF_ERROR(write_weights(staging / manifest.weights_file()));
    AIGC_ASSIGN_OR_RETURN(const std::string sha256,
                          Sha256OfFile(staging / manifest.weights_file()));
    manifest.set_sha256(sha256);
    *manifest.mutable_created_time() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(absl::Now()));
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    const auto printed = google::protobuf::util::MessageToJsonString(manifest, &json, options);
    if (!printed.ok()) return absl::InternalError(printed.message().as_string());
    AIGC_RETURN_IF_ERROR(WriteFile(staging / kManifestFileName, json));
    std::error_code rename_error;
    fs::rename(staging, final_dir, rename_error);
    if (rename_error) {
      return absl::InternalError(absl::StrCat("cannot rename ", staging.string(), " to ",
                                              final_dir.string(), ": ", rename_error.message()));
    }
    return absl::OkStatus();
  };
  absl::Status published = publish();
  if (!published.ok()) {
    fs::remove_all(staging, error);
    return published;
  }
  return manifest;
}

absl::StatusOr<int64_t> ConfigInt(const google::protobuf::Struct& config, absl::string_view key) {
  const std::string field = absl::StrCat("config.", key);
  const google::protobuf::Value* value = FindKey(config, key);
  if (value == nullptr) return InvalidField(field, "missing");
  return WholeNumber(*value, field);
}

absl::StatusOr<std::vector<int64_t>> ConfigIntList(const google::protobuf::Struct& config,
                                                   absl::string_view key) {
  const std::string field = absl::StrCat("config.", key);
  const google::protobuf::Value* value = FindKey(config, key);
  if (value == nullptr) return InvalidField(field, "missing");
  if (value->kind_case() != google::protobuf::Value::kListValue) {
    return InvalidField(field, "must be a list of numbers");
  }
  std::vector<int64_t> list;
  for (int i = 0; i < value->list_value().values_size(); ++i) {
    AIGC_ASSIGN_OR_RETURN(const int64_t item,
                          WholeNumber(value->list_value().values(i), absl::StrCat(field, "[", i, "]")));
    list.push_back(item);
  }
  return list;
}

absl::StatusOr<double> ConfigNumber(const google::protobuf::Struct& config,
                                    absl::string_view key) {
  const std::string field = absl::StrCat("config.", key);
  const google::protobuf::Value* value = FindKey(config, key);
  if (value == nullptr) return InvalidField(field, "missing");
  if (value->kind_case() != google::protobuf::Value::kNumberValue) {
    return InvalidField(field, "must be a number");
  }
  return value->number_value();
}

}  // namespace aigc::runtime
