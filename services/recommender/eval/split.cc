#include "services/recommender/eval/split.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/random/random.h"
#include "common/status/status.h"

namespace aigc::recommender::eval {
namespace {

// splitmix64 as documented in split.h (common/random), not <random>: the
// standard distributions and std::shuffle differ between library
// implementations.
using random::Mix64;

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state) : bits_(state) {}

  uint64_t Next() { return bits_.Next(); }

  // Uniform in [0, bound), bound >= 1. Rejecting draws below 2^64 mod bound leaves a range whose
  // size is a multiple of bound, so the remainder is unbiased.
  uint64_t Uniform(uint64_t bound) {
    const uint64_t threshold = (0 - bound) % bound;
    uint64_t r = Next();
    while (r < threshold) r = Next();
    return r % bound;
  }

 private:
  random::SplitMix64 bits_;
};

}  // namespace

absl::StatusOr<HoldOutSplit> SplitPerUser(absl::Span<const Interaction> interactions,
                                          const SplitOptions& options) {
  // Written so that NaN fails too.
  if (!(options.test_fraction > 0.0 && options.test_fraction < 1.0)) {
    return aigc::status::InvalidField(
        "test_fraction", absl::StrCat("must be in (0, 1), got ", options.test_fraction));
  }
  if (options.min_interactions < 2) {
    return aigc::status::InvalidField("min_interactions",
                                      absl::StrCat("must be >= 2, got ", options.min_interactions));
  }

  absl::flat_hash_map<int32_t, std::vector<int32_t>> items_by_user;
  for (size_t i = 0; i < interactions.size(); ++i) {
    const Interaction& interaction = interactions[i];
    if (interaction.user < 0) {
      return aigc::status::InvalidField(absl::StrCat("interactions[", i, "].user"),
                                        absl::StrCat("must be >= 0, got ", interaction.user));
    }
    if (interaction.item < 0) {
      return aigc::status::InvalidField(absl::StrCat("interactions[", i, "].item"),
                                        absl::StrCat("must be >= 0, got ", interaction.item));
    }
    items_by_user[interaction.user].push_back(interaction.item);
  }

  HoldOutSplit split;
  for (auto& [user, items] : items_by_user) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    const int64_t n = static_cast<int64_t>(items.size());
    if (n < options.min_interactions) continue;

    const int64_t t = std::clamp<int64_t>(
        static_cast<int64_t>(std::round(options.test_fraction * static_cast<double>(n))), 1, n - 1);
    SplitMix64 generator(Mix64(options.seed ^ Mix64(static_cast<uint64_t>(user))));
    for (int64_t i = 0; i < t; ++i) {
      const int64_t j = i + static_cast<int64_t>(generator.Uniform(static_cast<uint64_t>(n - i)));
      std::swap(items[i], items[j]);
    }
    split.test[user].insert(items.begin(), items.begin() + t);
  }

  for (const Interaction& interaction : interactions) {
    const auto it = split.test.find(interaction.user);
    if (it == split.test.end() || !it->second.contains(interaction.item)) {
      split.train.push_back(interaction);
    }
  }
  return split;
}

}  // namespace aigc::recommender::eval
