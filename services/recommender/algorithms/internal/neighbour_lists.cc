#include "services/recommender/algorithms/internal/neighbour_lists.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"
#include "services/recommender/core/parallel_for.h"

namespace aigc::recommender::internal {

float NeighbourLists::Weight(int32_t row, int32_t neighbour) const {
  const auto found = Neighbours(row);
  for (size_t n = 0; n < found.size(); ++n) {
    if (found[n] == neighbour) return Weights(row)[n];
  }
  return 0.0f;
}

void NeighbourLists::Save(Archive& archive, absl::string_view prefix) const {
  archive.PutInts(absl::StrCat(prefix, ".offsets"), offsets);
  archive.PutInts(absl::StrCat(prefix, ".neighbours"), neighbours);
  archive.PutFloats(absl::StrCat(prefix, ".weights"), 1, static_cast<int64_t>(weights.size()),
                    weights);
}

absl::StatusOr<NeighbourLists> NeighbourLists::Load(const Archive& archive,
                                                    absl::string_view prefix, int32_t rows,
                                                    int32_t columns) {
  NeighbourLists lists;
  const std::string offsets_key = absl::StrCat(prefix, ".offsets");
  AIGC_ASSIGN_OR_RETURN(lists.offsets, archive.GetInts(offsets_key));
  AIGC_ASSIGN_OR_RETURN(lists.neighbours, archive.GetInts(absl::StrCat(prefix, ".neighbours")));
  AIGC_ASSIGN_OR_RETURN(FloatMatrix weights, archive.GetFloats(absl::StrCat(prefix, ".weights")));
  lists.weights = std::move(weights.values);
  const int64_t size = static_cast<int64_t>(lists.neighbours.size());
  AIGC_RETURN_IF_ERROR(CheckIndices(lists.offsets, rows + 1, size + 1, offsets_key));
  if (lists.offsets.front() != 0 || lists.offsets.back() != size ||
      !std::is_sorted(lists.offsets.begin(), lists.offsets.end()) ||
      static_cast<int64_t>(lists.weights.size()) != size) {
    return absl::DataLossError(absl::StrCat("archive entries \"", prefix, ".*\" are inconsistent"));
  }
  AIGC_RETURN_IF_ERROR(
      CheckIndices(lists.neighbours, size, columns, absl::StrCat(prefix, ".neighbours")));
  return lists;
}

NeighbourLists TopNeighbours(const ItemDotProducts& dots, int k, int threads,
                             const std::function<double(int32_t, int32_t, double)>& similarity) {
  const int32_t items = static_cast<int32_t>(dots.squared_norms().size());
  std::vector<std::vector<std::pair<float, int32_t>>> rows(items);
  ParallelFor(threads, items, [&](int64_t begin, int64_t end) {
    ItemDotProducts::Scratch scratch = dots.NewScratch();
    for (int32_t i = static_cast<int32_t>(begin); i < end; ++i) {
      dots.Compute(i, scratch);
      auto& row = rows[i];
      for (int32_t j : scratch.touched) {
        if (j == i) continue;
        const double s = similarity(i, j, scratch.dots[j]);
        if (s > 0) row.emplace_back(static_cast<float>(s), j);
      }
      ItemDotProducts::Clear(scratch);
      // Strongest first; ties by lower index so results are deterministic.
      const auto stronger = [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
      };
      const size_t keep = std::min<size_t>(row.size(), k);
      std::partial_sort(row.begin(), row.begin() + keep, row.end(), stronger);
      row.resize(keep);
    }
  });
  NeighbourLists lists;
  for (const auto& row : rows) {
    for (const auto& [weight, j] : row) {
      lists.neighbours.push_back(j);
      lists.weights.push_back(weight);
    }
    lists.offsets.push_back(static_cast<int32_t>(lists.neighbours.size()));
  }
  return lists;
}

}  // namespace aigc::recommender::internal
