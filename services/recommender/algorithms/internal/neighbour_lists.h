// NeighbourLists: each item's top-k most similar items, in compressed rows.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_NEIGHBOUR_LISTS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_NEIGHBOUR_LISTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/recommender/algorithms/internal/item_dot_products.h"
#include "services/recommender/core/archive.h"

namespace aigc::recommender::internal {

struct NeighbourLists {
  // Row r spans [offsets[r], offsets[r + 1]) of `neighbours` and `weights`,
  // strongest first.
  std::vector<int32_t> offsets{0};
  std::vector<int32_t> neighbours;
  std::vector<float> weights;

  int32_t rows() const { return static_cast<int32_t>(offsets.size()) - 1; }
  absl::Span<const int32_t> Neighbours(int32_t row) const {
    return absl::MakeConstSpan(neighbours).subspan(offsets[row], offsets[row + 1] - offsets[row]);
  }
  absl::Span<const float> Weights(int32_t row) const {
    return absl::MakeConstSpan(weights).subspan(offsets[row], offsets[row + 1] - offsets[row]);
  }
  // The weight of `neighbour` in `row`, 0 when absent.
  float Weight(int32_t row, int32_t neighbour) const;

  // Stores under "<prefix>.offsets", "<prefix>.neighbours", "<prefix>.weights".
  void Save(Archive& archive, absl::string_view prefix) const;
  // DATA_LOSS unless the entries form `rows` valid rows over [0, columns).
  static absl::StatusOr<NeighbourLists> Load(const Archive& archive, absl::string_view prefix,
                                             int32_t rows, int32_t columns);
};

// For every item i, the `k` items j != i of largest positive
// similarity(i, j, dot) where dot = column(i) . column(j) of the matrix
// behind `dots`; items sharing no user are never neighbours. Runs on
// `threads` threads; `similarity` must be thread-safe.
NeighbourLists TopNeighbours(
    const ItemDotProducts& dots, int k, int threads,
    const std::function<double(int32_t i, int32_t j, double dot)>& similarity);

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_NEIGHBOUR_LISTS_H_
