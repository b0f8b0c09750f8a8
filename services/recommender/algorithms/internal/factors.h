// Pieces shared by the latent-factor models (ALS and BPR): factor storage,
// a profile's usable entries, archive access with DATA_LOSS on any
// inconsistency, and cosine similarity.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_H_

#include <cstdint>
#include <random>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/core/archive.h"

namespace aigc::recommender::internal {

// One row of factors per user or item; rows are contiguous.
using FactorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The entries of a UserProfile a model can use.
struct History {
  // Index into the profile's vectors per entry.
  std::vector<size_t> entries;
  // Item indices in [0, num_items), in profile order.
  std::vector<int32_t> items;
  // Implicit weight per entry, >= 0.
  std::vector<float> weights;
  // Explicit rating per entry, NaN when unrated.
  std::vector<float> ratings;
};

// Returns `profile`'s entries whose item lies in [0, num_items). A profile
// breaking its own contract never makes a model read out of bounds: a
// missing weight counts as 1, a negative or non-finite one as 0, a missing
// rating as NaN. Thread-safe.
History UsableHistory(const UserProfile& profile, int32_t num_items);

// Returns a matrix of `rows` x `cols` values drawn from N(0, stddev^2) by
// `rng` (deterministic for a given engine state). Not thread-safe for a
// shared `rng`.
template <typename Rng>
FactorMatrix RandomFactors(int64_t rows, int64_t cols, float stddev, Rng& rng);

// Writes `factors` under `key`.
void PutFactors(Archive& archive, absl::string_view key, const FactorMatrix& factors);

// Returns the float matrix under `key`. Fails with DATA_LOSS naming `key`
// when it is absent, of another type, not `rows` x c with c in
// [min_cols, max_cols], or holds a non-finite value. Thread-safe.
absl::StatusOr<FactorMatrix> GetFactors(const Archive& archive, absl::string_view key, int64_t rows,
                                        int64_t min_cols, int64_t max_cols);

// Returns the number under `key`. Fails with DATA_LOSS naming `key` when it
// is absent, of another type, or not a finite value in [min, max].
// Thread-safe.
absl::StatusOr<double> GetNumber(const Archive& archive, absl::string_view key, double min,
                                 double max);

// Returns the Euclidean norm of each row of `factors`.
std::vector<float> RowNorms(const FactorMatrix& factors);

// Writes the cosine similarity of every row of `factors` to row `item` into
// `scores` (factors.rows() entries); a row of zero norm (the query's
// included) scores 0. `norms` is RowNorms(factors). Fails with
// INVALID_ARGUMENT when `item` is not a row or `scores` has the wrong size.
// Thread-safe.
absl::Status CosineSimilarities(const FactorMatrix& factors, absl::Span<const float> norms,
                                int32_t item, absl::Span<float> scores);

template <typename Rng>
FactorMatrix RandomFactors(int64_t rows, int64_t cols, float stddev, Rng& rng) {
  std::normal_distribution<float> normal(0.0f, stddev);
  FactorMatrix factors(rows, cols);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) factors(r, c) = normal(rng);
  }
  return factors;
}

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_H_
