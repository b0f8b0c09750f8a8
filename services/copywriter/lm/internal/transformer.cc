#include "services/copywriter/lm/internal/transformer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ATen/CPUGeneratorImpl.h"
#include "ATen/Parallel.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace aigc::copy_lm::internal {
namespace {

// Names of the residual projections, whose initial weights are scaled down
// so the residual stream's variance does not grow with depth (GPT-2).
constexpr const char* kAttentionOut = "attention_out";
constexpr const char* kMlpOut = "mlp_out";
constexpr double kInitStd = 0.02;

}  // namespace

torch::Tensor DropoutSource::Apply(const torch::Tensor& x) {
  if (probability <= 0.0) return x;
  const torch::Tensor keep =
      torch::empty(x.sizes(), torch::kFloat32).bernoulli_(1.0 - probability, generator);
  return x * keep.to(x.device(), x.scalar_type()) * (1.0 / (1.0 - probability));
}

BlockImpl::BlockImpl(const LmConfig& config) : num_heads_(config.num_heads) {
  const int64_t d = config.d_model;
  norm1_ = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  qkv_ = register_module("qkv", torch::nn::Linear(d, 3 * d));
  attention_out_ = register_module(kAttentionOut, torch::nn::Linear(d, d));
  norm2_ = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  mlp_in_ = register_module("mlp_in", torch::nn::Linear(d, config.d_ff));
  mlp_out_ = register_module(kMlpOut, torch::nn::Linear(config.d_ff, d));
}

torch::Tensor BlockImpl::Forward(const torch::Tensor& x, const Attention& attention,
                                 DropoutSource* dropout) {
  const int64_t batch = x.size(0);
  const int64_t length = x.size(1);
  const int64_t d = x.size(2);
  const torch::Tensor qkv = qkv_->forward(norm1_->forward(x))
                                .view({batch, length, 3, num_heads_, d / num_heads_});
  torch::Tensor attended = attention_out_->forward(attention(qkv));
  if (dropout != nullptr) attended = dropout->Apply(attended);
  const torch::Tensor h = x + attended;
  torch::Tensor mlp = mlp_out_->forward(torch::gelu(mlp_in_->forward(norm2_->forward(h))));
  if (dropout != nullptr) mlp = dropout->Apply(mlp);
  return h + mlp;
}

torch::Tensor MaskedAttention(const torch::Tensor& qkv, const torch::Tensor& blocked,
                              const KeyValueSource& key_values, DropoutSource* dropout) {
  const int64_t batch = qkv.size(0);
  const int64_t length = qkv.size(1);
  const int64_t head_dim = qkv.size(4);
  const torch::Tensor heads_first = qkv.permute({2, 0, 3, 1, 4});  // [3, B, H, N, head_dim]
  const auto [keys, values] = key_values(heads_first[1], heads_first[2]);
  torch::Tensor scores = torch::matmul(heads_first[0], keys.transpose(-2, -1)) / std::sqrt(head_dim);
  scores = scores.masked_fill(blocked, -std::numeric_limits<float>::infinity());
  torch::Tensor probs = torch::softmax(scores, -1);
  if (dropout != nullptr) probs = dropout->Apply(probs);
  return torch::matmul(probs, values).transpose(1, 2).reshape({batch, length, -1});
}

namespace {

// sum_j a[j] * b[j] in eight independent partial sums, which the compiler
// turns into vector instructions (a single running sum it may not reorder).
float Dot(const float* a, const float* b, int64_t n) {
  constexpr int kLanes = 8;
  float partial[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int lane = 0; lane < kLanes; ++lane) partial[lane] += a[j + lane] * b[j + lane];
  }
  float sum = 0.0f;
  for (; j < n; ++j) sum += a[j] * b[j];
  for (const float p : partial) sum += p;
  return sum;
}

}  // namespace

torch::Tensor PackedAttention(const torch::Tensor& qkv, const std::vector<SequenceCache*>& caches,
                              const std::vector<int64_t>& offsets, int layer) {
  const torch::Tensor input = qkv.contiguous();
  const auto batch = static_cast<int64_t>(caches.size());
  const int64_t heads = input.size(3);
  const int64_t head_dim = input.size(4);
  const int64_t width = heads * head_dim;  // floats per query, key or value
  torch::Tensor output = torch::zeros({1, input.size(1), width}, input.options());
  const float* in = input.data_ptr<float>();
  float* out = output.data_ptr<float>();
  // Chunks of several tokens (prompts): batched matrix products, whose cost
  // grows with the square of the chunk and which BLAS does best.
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t size = offsets[b + 1] - offsets[b];
    if (size == 1) continue;
    SequenceCache& cache = *caches[b];
    const int64_t length = cache.length;
    const KeyValueSource cached_then_new = [&](const torch::Tensor& new_keys,
                                               const torch::Tensor& new_values) {
      cache.keys[layer].narrow(1, length, size).copy_(new_keys[0]);
      cache.values[layer].narrow(1, length, size).copy_(new_values[0]);
      return std::make_pair(cache.keys[layer].narrow(1, 0, length + size).unsqueeze(0),
                            cache.values[layer].narrow(1, 0, length + size).unsqueeze(0));
    };
    const torch::Tensor future = torch::arange(length + size).view({1, 1, 1, -1}) >
                                 (length + torch::arange(size)).view({1, 1, -1, 1});
    output.narrow(1, offsets[b], size)
        .copy_(
            MaskedAttention(input.narrow(1, offsets[b], size), future, cached_then_new, nullptr));
  }
  // One query per sequence (decoding): plain loops over the cache.
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  at::parallel_for(0, batch * heads, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> weights;
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / heads;
      if (offsets[b + 1] - offsets[b] != 1) continue;
      const int64_t offset = (task % heads) * head_dim;  // of the head in a query
      SequenceCache& cache = *caches[b];
      const int64_t position = cache.length;
      // The cache is [H, context_length, head_dim], contiguous.
      const int64_t head_stride = cache.keys[layer].size(1) * head_dim;
      float* keys = cache.keys[layer].data_ptr<float>() + (task % heads) * head_stride;
      float* values = cache.values[layer].data_ptr<float>() + (task % heads) * head_stride;
      const float* query = in + offsets[b] * 3 * width + offset;
      std::copy_n(query + width, head_dim, keys + position * head_dim);
      std::copy_n(query + 2 * width, head_dim, values + position * head_dim);

      weights.resize(position + 1);
      float max_score = -std::numeric_limits<float>::infinity();
      for (int64_t t = 0; t <= position; ++t) {
        weights[t] = Dot(query, keys + t * head_dim, head_dim) * scale;
        max_score = std::max(max_score, weights[t]);
      }
      float total = 0.0f;
      for (float& w : weights) {
        w = std::exp(w - max_score);
        total += w;
      }
      float* result = out + offsets[b] * width + offset;
      for (int64_t t = 0; t <= position; ++t) {
        const float w = weights[t] / total;
        const float* value = values + t * head_dim;
        for (int64_t j = 0; j < head_dim; ++j) result[j] += w * value[j];
      }
    }
  });
  return output;
}

TransformerImpl::TransformerImpl(const LmConfig& config) : config_(config) {
  token_embedding_ =
      register_module("token_embedding", torch::nn::Embedding(config.vocab_size, config.d_model));
  position_embedding_ = register_module(
      "position_embedding", torch::nn::Embedding(config.context_length, config.d_model));
  for (int i = 0; i < config.num_layers; ++i) {
    blocks_.push_back(register_module(absl::StrCat("block", i), Block(config)));
  }
  final_norm_ = register_module(
      "final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.d_model})));
}

void TransformerImpl::Initialize(uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  const double residual_std = kInitStd / std::sqrt(2.0 * config_.num_layers);
  for (auto& item : named_parameters()) {
    torch::Tensor& parameter = item.value();
    const std::string& name = item.key();
    if (parameter.dim() >= 2) {
      const bool residual = absl::StrContains(name, absl::StrCat(kAttentionOut, ".weight")) ||
                            absl::StrContains(name, absl::StrCat(kMlpOut, ".weight"));
      parameter.copy_(torch::empty(parameter.sizes(), torch::kFloat32)
                          .normal_(0.0, residual ? residual_std : kInitStd, generator));
    } else if (absl::StrContains(name, "norm") && absl::EndsWith(name, ".weight")) {
      parameter.fill_(1.0);
    } else {
      parameter.zero_();
    }
  }
}

torch::Tensor TransformerImpl::Head(const torch::Tensor& hidden) {
  return torch::linear(final_norm_->forward(hidden), token_embedding_->weight);
}

torch::Tensor TransformerImpl::Forward(const torch::Tensor& tokens, DropoutSource* dropout) {
  const int64_t length = tokens.size(1);
  const torch::Tensor positions = torch::arange(length, tokens.options());
  torch::Tensor x = token_embedding_->forward(tokens) + position_embedding_->forward(positions);
  if (dropout != nullptr) x = dropout->Apply(x);
  const torch::Tensor blocked = torch::ones({length, length}, tokens.options().dtype(torch::kBool))
                                    .triu(1)
                                    .view({1, 1, length, length});
  const KeyValueSource own = [](const torch::Tensor& k, const torch::Tensor& v) {
    return std::make_pair(k, v);
  };
  const Attention causal = [&](const torch::Tensor& qkv) {
    return MaskedAttention(qkv, blocked, own, dropout);
  };
  for (Block& block : blocks_) x = block->Forward(x, causal, dropout);
  return Head(x);
}

torch::Tensor TransformerImpl::Extend(const std::vector<SequenceCache*>& caches,
                                      const std::vector<std::span<const int32_t>>& chunks) {
  const int64_t batch = static_cast<int64_t>(caches.size());
  const torch::Tensor& embedding = token_embedding_->weight;
  const torch::Device device = embedding.device();
  // On the CPU the chunks are packed into one row (PackedAttention). Other
  // devices take the batched masked attention: one row per chunk, padded to
  // the longest, where a query at position p sees the keys at positions <= p
  // of its sequence. Padding slots repeat their sequence's last token and
  // position: their results are discarded, and they attend exactly like that
  // last token.
  const bool packed = device.is_cpu();
  std::vector<int64_t> offsets = {0};  // packed: where each chunk starts
  int64_t longest = 0;
  for (const auto& chunk : chunks) {
    offsets.push_back(offsets.back() + static_cast<int64_t>(chunk.size()));
    longest = std::max<int64_t>(longest, chunk.size());
  }
  const int64_t rows = packed ? 1 : batch;
  const int64_t width = packed ? offsets.back() : longest;
  std::vector<int64_t> token_ids(rows * width);
  std::vector<int64_t> positions(rows * width);
  std::vector<int64_t> last(batch);  // flat index of each chunk's last token
  int64_t keys = 0;                  // longest sequence after the chunks
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t start = caches[b]->length;
    const auto size = static_cast<int64_t>(chunks[b].size());
    const int64_t first = packed ? offsets[b] : b * width;
    for (int64_t t = 0; t < (packed ? size : width); ++t) {
      const int64_t source = std::min(t, size - 1);
      token_ids[first + t] = chunks[b][source];
      positions[first + t] = start + source;
    }
    last[b] = first + size - 1;
    keys = std::max(keys, start + size);
  }
  const torch::Tensor token_tensor = torch::tensor(token_ids).view({rows, width}).to(device);
  const torch::Tensor position_tensor = torch::tensor(positions).view({rows, width}).to(device);
  torch::Tensor x =
      token_embedding_->forward(token_tensor) + position_embedding_->forward(position_tensor);
  const torch::Tensor blocked =
      packed ? torch::Tensor()
             : torch::arange(keys, position_tensor.options()).view({1, 1, 1, keys}) >
                   position_tensor.view({batch, 1, width, 1});

  const int64_t head_dim = config_.d_model / config_.num_heads;
  for (SequenceCache* cache : caches) {
    if (!cache->keys.empty()) continue;
    for (int l = 0; l < config_.num_layers; ++l) {
      cache->keys.push_back(
          torch::zeros({config_.num_heads, config_.context_length, head_dim}, embedding.options()));
      cache->values.push_back(torch::zeros_like(cache->keys.back()));
    }
  }
  for (int l = 0; l < config_.num_layers; ++l) {
    const KeyValueSource cached = [&](const torch::Tensor& new_keys,
                                      const torch::Tensor& new_values) {
      std::vector<torch::Tensor> all_keys;
      std::vector<torch::Tensor> all_values;
      for (int64_t b = 0; b < batch; ++b) {
        SequenceCache& cache = *caches[b];
        const int64_t size = static_cast<int64_t>(chunks[b].size());
        cache.keys[l].narrow(1, cache.length, size).copy_(new_keys[b].narrow(1, 0, size));
        cache.values[l].narrow(1, cache.length, size).copy_(new_values[b].narrow(1, 0, size));
        all_keys.push_back(cache.keys[l].narrow(1, 0, keys));
        all_values.push_back(cache.values[l].narrow(1, 0, keys));
      }
      return std::make_pair(torch::stack(all_keys), torch::stack(all_values));
    };
    const Attention attention = [&](const torch::Tensor& qkv) {
      return packed ? PackedAttention(qkv, caches, offsets, l)
                    : MaskedAttention(qkv, blocked, cached, nullptr);
    };
    x = blocks_[l]->Forward(x, attention, nullptr);
  }
  const torch::Tensor logits =
      Head(x.view({rows * width, -1}).index_select(0, torch::tensor(last).to(device)));
  for (int64_t b = 0; b < batch; ++b) caches[b]->length += static_cast<int64_t>(chunks[b].size());
  return logits;
}

}  // namespace aigc::copy_lm::internal
