#include "services/copywriter/lm/internal/transformer.h"

#include <utility>
#include <vector>

#include "ATen/CPUGeneratorImpl.h"
#include "gtest/gtest.h"

namespace aigc::copy_lm::internal {
namespace {

// Queries, keys and values of magnitude ~2, so that the softmax is far from
// uniform and a wrong scale, key or position shows in the output.
TEST(SingleQueryAttentionTest, EqualsMaskedAttentionOverEachSequencesCache) {
  constexpr int64_t kHeads = 4;
  constexpr int64_t kHeadDim = 8;
  constexpr int64_t kContext = 16;
  const std::vector<int64_t> lengths = {0, 5, 11};  // tokens each cache holds
  const auto batch = static_cast<int64_t>(lengths.size());
  at::Generator generator = at::detail::createCPUGenerator(3);
  const torch::Tensor qkv = 2 * torch::randn({batch, 1, 3, kHeads, kHeadDim}, generator);

  std::vector<SequenceCache> caches(batch);
  std::vector<SequenceCache*> cache_pointers;
  for (int64_t b = 0; b < batch; ++b) {
    caches[b].keys.push_back(2 * torch::randn({kHeads, kContext, kHeadDim}, generator));
    caches[b].values.push_back(2 * torch::randn({kHeads, kContext, kHeadDim}, generator));
    caches[b].length = lengths[b];
    cache_pointers.push_back(&caches[b]);
  }

  // The reference: each sequence alone through the batched path, attending
  // to its cached keys and values followed by its new ones.
  std::vector<torch::Tensor> expected;
  for (int64_t b = 0; b < batch; ++b) {
    const SequenceCache& cache = caches[b];
    const KeyValueSource cached_then_new = [&](const torch::Tensor& keys,
                                               const torch::Tensor& values) {
      return std::make_pair(
          torch::cat({cache.keys[0].narrow(1, 0, cache.length).unsqueeze(0), keys}, 2),
          torch::cat({cache.values[0].narrow(1, 0, cache.length).unsqueeze(0), values}, 2));
    };
    const torch::Tensor nothing_blocked =
        torch::zeros({1, 1, 1, cache.length + 1}, torch::TensorOptions().dtype(torch::kBool));
    expected.push_back(MaskedAttention(qkv.narrow(0, b, 1).clone(), nothing_blocked,
                                       cached_then_new, nullptr));
  }

  const torch::Tensor actual = SingleQueryAttention(qkv, cache_pointers, /*layer=*/0);
  ASSERT_EQ(actual.sizes(), (std::vector<int64_t>{batch, 1, kHeads * kHeadDim}));
  for (int64_t b = 0; b < batch; ++b) {
    EXPECT_TRUE(torch::allclose(actual[b], expected[b][0], 1e-5, 1e-5))
        << "sequence " << b << "\nactual " << actual[b] << "\nexpected " << expected[b][0];
    // The new key and value went into the cache at its length.
    EXPECT_TRUE(torch::equal(caches[b].keys[0].select(1, lengths[b]), qkv[b][0][1]));
    EXPECT_TRUE(torch::equal(caches[b].values[0].select(1, lengths[b]), qkv[b][0][2]));
  }
}

}  // namespace
}  // namespace aigc::copy_lm::internal
