// Item-item dot products of a sparse users x items matrix, one item at a
// time: the core of item kNN and of EASE's Gram matrix.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_ITEM_DOT_PRODUCTS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_ITEM_DOT_PRODUCTS_H_

#include <cstdint>
#include <vector>

#include "services/recommender/core/training_set.h"

namespace aigc::recommender::internal {

// Thread-safe once built: each thread brings its own Scratch.
class ItemDotProducts {
 public:
  // Keeps a reference to `matrix`, which must outlive this object.
  explicit ItemDotProducts(const SparseMatrix& matrix);

  // Per-thread accumulator.
  struct Scratch {
    std::vector<double> dots;      // items entries, zero between calls
    std::vector<char> seen;        // items entries: j is in `touched`
    std::vector<int32_t> touched;  // items j with a (possibly zero) dot
  };
  Scratch NewScratch() const;

  // Fills scratch.dots[j] = column(item) . column(j) for every j sharing a
  // user with `item` (itself included) and lists those j in
  // scratch.touched. Call Clear(scratch) before the next item.
  void Compute(int32_t item, Scratch& scratch) const;
  static void Clear(Scratch& scratch);

  // Squared norm of each column.
  const std::vector<double>& squared_norms() const { return squared_norms_; }

 private:
  const SparseMatrix& matrix_;
  SparseMatrix transposed_;  // items x users
  std::vector<double> squared_norms_;
};

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_ITEM_DOT_PRODUCTS_H_
