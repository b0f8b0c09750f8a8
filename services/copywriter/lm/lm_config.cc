#include "services/copywriter/lm/lm_config.h"

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::copy_lm {
namespace {

absl::Status CheckAtLeast(int value, int minimum, const char* field) {
  if (value < minimum) {
    return status::InvalidField(field, absl::StrCat("must be >= ", minimum, ", got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLmConfig(const LmConfig& config) {
  AIGC_RETURN_IF_ERROR(CheckAtLeast(config.vocab_size, 1, "vocab_size"));
  AIGC_RETURN_IF_ERROR(CheckAtLeast(config.context_length, 1, "context_length"));
  AIGC_RETURN_IF_ERROR(CheckAtLeast(config.d_model, 1, "d_model"));
  AIGC_RETURN_IF_ERROR(CheckAtLeast(config.num_layers, 1, "num_layers"));
  AIGC_RETURN_IF_ERROR(CheckAtLeast(config.num_heads, 1, "num_heads"));
  AIGC_RETURN_IF_ERROR(CheckAtLeast(config.d_ff, 1, "d_ff"));
  if (config.d_model % config.num_heads != 0) {
    return status::InvalidField(
        "d_model", absl::StrCat("must be a multiple of num_heads (", config.num_heads, "), got ",
                                config.d_model));
  }
  // Written so that NaN fails too.
  if (!(config.dropout >= 0.0f && config.dropout < 1.0f)) {
    return status::InvalidField("dropout", absl::StrCat("must be in [0, 1), got ", config.dropout));
  }
  return absl::OkStatus();
}

int64_t ParameterCount(const LmConfig& config) {
  const int64_t d = config.d_model;
  const int64_t ff = config.d_ff;
  const int64_t layer_norm = 2 * d;
  const int64_t attention = (d * 3 * d + 3 * d) + (d * d + d);
  const int64_t mlp = (d * ff + ff) + (ff * d + d);
  const int64_t block = 2 * layer_norm + attention + mlp;
  const int64_t embeddings = int64_t{config.vocab_size} * d + int64_t{config.context_length} * d;
  return embeddings + config.num_layers * block + layer_norm;
}

}  // namespace aigc::copy_lm
