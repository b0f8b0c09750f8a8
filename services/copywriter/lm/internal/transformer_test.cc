#include "services/copywriter/lm/internal/transformer.h"

#include <utility>
#include <vector>

#include "ATen/CPUGeneratorImpl.h"
#include "gtest/gtest.h"

namespace aigc::copy_lm::internal {
namespace {

// Queries, keys and values of magnitude ~2, so that the softmax is far from
// uniform and a wrong scale, key or position shows in the output.
TEST(PackedAttentionTest, EqualsMaskedAttentionOverEachSequencesCache) {
  constexpr int64_t kHeads = 4;
  constexpr int64_t kHeadDim = 8;
  constexpr int64_t kContext = 16;
  // Tokens each cache holds, and each chunk's size: a fresh prompt, a
  // decoding step and a prompt continuing a cache.
  const std::vector<int64_t> lengths = {0, 5, 11};
  const std::vector<int64_t> sizes = {3, 1, 4};
  const std::vector<int64_t> offsets = {0, 3, 4, 8};
  const auto batch = static_cast<int64_t>(lengths.size());
  at::Generator generator = at::detail::createCPUGenerator(3);
  const torch::Tensor qkv = 2 * torch::randn({1, offsets.back(), 3, kHeads, kHeadDim}, generator);

  std::vector<SequenceCache> caches(batch);
  std::vector<SequenceCache*> cache_pointers;
  for (int64_t b = 0; b < batch; ++b) {
    caches[b].keys.push_back(2 * torch::randn({kHeads, kContext, kHeadDim}, generator));
    caches[b].values.push_back(2 * torch::randn({kHeads, kContext, kHeadDim}, generator));
    caches[b].length = lengths[b];
    cache_pointers.push_back(&caches[b]);
  }

  // The reference: each sequence alone through the batched path, attending
  // to its cached keys and values followed by its new ones, causally.
  std::vector<torch::Tensor> expected;
  for (int64_t b = 0; b < batch; ++b) {
    const SequenceCache& cache = caches[b];
    const KeyValueSource cached_then_new = [&](const torch::Tensor& keys,
                                               const torch::Tensor& values) {
      return std::make_pair(
          torch::cat({cache.keys[0].narrow(1, 0, cache.length).unsqueeze(0), keys}, 2),
          torch::cat({cache.values[0].narrow(1, 0, cache.length).unsqueeze(0), values}, 2));
    };
    const torch::Tensor future = torch::arange(cache.length + sizes[b]).view({1, 1, 1, -1}) >
                                 (cache.length + torch::arange(sizes[b])).view({1, 1, -1, 1});
    expected.push_back(MaskedAttention(qkv.narrow(1, offsets[b], sizes[b]).clone(), future,
                                       cached_then_new, nullptr));
  }

  const torch::Tensor actual = PackedAttention(qkv, cache_pointers, offsets, /*layer=*/0);
  ASSERT_EQ(actual.sizes(), (std::vector<int64_t>{1, offsets.back(), kHeads * kHeadDim}));
  for (int64_t b = 0; b < batch; ++b) {
    const torch::Tensor rows = actual[0].narrow(0, offsets[b], sizes[b]);
    EXPECT_TRUE(torch::allclose(rows, expected[b][0], 1e-5, 1e-5))
        << "sequence " << b << "\nactual " << rows << "\nexpected " << expected[b][0];
    // The new keys and values went into the cache from its length on.
    for (int64_t i = 0; i < sizes[b]; ++i) {
      EXPECT_TRUE(
          torch::equal(caches[b].keys[0].select(1, lengths[b] + i), qkv[0][offsets[b] + i][1]));
      EXPECT_TRUE(
          torch::equal(caches[b].values[0].select(1, lengths[b] + i), qkv[0][offsets[b] + i][2]));
    }
  }
}

}  // namespace
}  // namespace aigc::copy_lm::internal
