// The Transformer behind LanguageModel, as a torch::nn module (model code
// only: includes LibTorch).
#ifndef AIGC_SERVICES_COPYWRITER_LM_INTERNAL_TRANSFORMER_H_
#define AIGC_SERVICES_COPYWRITER_LM_INTERNAL_TRANSFORMER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "services/copywriter/lm/lm_config.h"
#include "torch/torch.h"

namespace aigc::copy_lm::internal {

// One sequence's key/value cache: per layer, keys and values of shape
// [num_heads, context_length, head_dim]; entries at or after `length` are
// unused (zero or stale, always finite).
struct SequenceCache {
  std::vector<torch::Tensor> keys;
  std::vector<torch::Tensor> values;
  int64_t length = 0;
};

// Dropout randomness for one training step. Masks are drawn on the CPU from
// `generator` and moved to the activations' device, so a run is reproducible
// from the seed on any device.
struct DropoutSource {
  at::Generator generator;
  double probability = 0.0;

  torch::Tensor Apply(const torch::Tensor& x);
};

// Given a layer's new keys and values [B, H, N, head_dim], returns the keys
// and values to attend to [B, H, M, head_dim].
using KeyValueSource = std::function<std::pair<torch::Tensor, torch::Tensor>(const torch::Tensor&,
                                                                             const torch::Tensor&)>;

// Given a layer's queries, keys and values [B, N, 3, H, head_dim], returns
// what each query attends to, heads concatenated: [B, N, H * head_dim].
using Attention = std::function<torch::Tensor(const torch::Tensor& qkv)>;

// Softmax attention of every query over key_values' keys except where
// `blocked` [B or 1, 1, N, M] is true (every query keeps at least one key).
// `dropout` null = no dropout.
torch::Tensor MaskedAttention(const torch::Tensor& qkv, const torch::Tensor& blocked,
                              const KeyValueSource& key_values, DropoutSource* dropout);

// Causal attention of chunks packed one after another on the CPU (qkv [1, T,
// 3, H, head_dim], float32; chunk b is rows offsets[b] to offsets[b + 1] - 1,
// so T = offsets.back()): appends each chunk's keys and values to
// caches[b] from caches[b]->length on, and lets each token attend to the
// positions up to its own in its sequence. Returns [1, T, H * head_dim],
// equal to MaskedAttention over the caches. So a decoding step's single
// queries and new prompts share one batch without padding. A prompt's chunk
// takes MaskedAttention against its own cache; a single query takes plain
// loops, since for one query and a small head the batched matmuls, masks and
// copies of the cache cost more than the arithmetic.
torch::Tensor PackedAttention(const torch::Tensor& qkv, const std::vector<SequenceCache*>& caches,
                              const std::vector<int64_t>& offsets, int layer);

class BlockImpl : public torch::nn::Module {
 public:
  explicit BlockImpl(const LmConfig& config);

  // x: [B, N, d_model]; `attention` mixes the positions. `dropout` null = no
  // dropout (after the attention's and the MLP's output projections).
  torch::Tensor Forward(const torch::Tensor& x, const Attention& attention,
                        DropoutSource* dropout);

 private:
  int64_t num_heads_;
  torch::nn::LayerNorm norm1_{nullptr};
  torch::nn::Linear qkv_{nullptr};
  torch::nn::Linear attention_out_{nullptr};
  torch::nn::LayerNorm norm2_{nullptr};
  torch::nn::Linear mlp_in_{nullptr};
  torch::nn::Linear mlp_out_{nullptr};
};
TORCH_MODULE(Block);

class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(const LmConfig& config);

  const LmConfig& config() const { return config_; }

  // Sets every parameter from `seed` (see LanguageModel::Create).
  void Initialize(uint64_t seed);

  // tokens int64 [B, L] (L <= context_length) → logits [B, L, vocab], each
  // position seeing itself and the positions before it.
  torch::Tensor Forward(const torch::Tensor& tokens, DropoutSource* dropout);

  // Appends chunks[b] (non-empty) to caches[b] (distinct; allocated here when
  // empty) and returns the logits [B, vocab] for the token after each chunk.
  // The caller checks ids and lengths. Inference only.
  torch::Tensor Extend(const std::vector<SequenceCache*>& caches,
                       const std::vector<std::span<const int32_t>>& chunks);

 private:
  torch::Tensor Head(const torch::Tensor& hidden);

  LmConfig config_;
  torch::nn::Embedding token_embedding_{nullptr};
  torch::nn::Embedding position_embedding_{nullptr};
  std::vector<Block> blocks_;
  torch::nn::LayerNorm final_norm_{nullptr};
};
TORCH_MODULE(Transformer);


}  // namespace aigc::copy_lm::internal

#endif  // AIGC_SERVICES_COPYWRITER_LM_INTERNAL_TRANSFORMER_H_
