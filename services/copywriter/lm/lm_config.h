// The shape of the copywriter's language model: a GPT-style decoder-only
// Transformer (pre-LayerNorm blocks, causal self-attention, learned positional
// embeddings, GELU MLP, output projection tied to the token embedding).
#ifndef AIGC_SERVICES_COPYWRITER_LM_LM_CONFIG_H_
#define AIGC_SERVICES_COPYWRITER_LM_LM_CONFIG_H_

#include <cstdint>

#include "absl/status/status.h"

namespace aigc::copy_lm {

struct LmConfig {
  // Number of token ids; ids are in [0, vocab_size).
  int vocab_size = 0;
  // Most tokens one sequence (prompt plus generated tokens) may hold.
  int context_length = 256;
  // Width of the residual stream; a multiple of num_heads.
  int d_model = 192;
  int num_layers = 4;
  int num_heads = 6;
  // Width of each block's hidden MLP layer.
  int d_ff = 768;
  // Dropout probability in [0, 1), applied only while training.
  float dropout = 0.1f;
};

// OK, or INVALID_ARGUMENT naming the first bad field, e.g.
// "d_model: must be a multiple of num_heads (6), got 100".
absl::Status ValidateLmConfig(const LmConfig& config);

// Number of trainable parameters of a model with this (valid) config; the
// tied output projection is counted once.
int64_t ParameterCount(const LmConfig& config);

}  // namespace aigc::copy_lm

#endif  // AIGC_SERVICES_COPYWRITER_LM_LM_CONFIG_H_
