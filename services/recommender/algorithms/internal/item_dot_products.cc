#include "services/recommender/algorithms/internal/item_dot_products.h"

namespace aigc::recommender::internal {

ItemDotProducts::ItemDotProducts(const SparseMatrix& matrix)
    : matrix_(matrix), transposed_(matrix.transpose()), squared_norms_(matrix.cols(), 0.0) {
  transposed_.makeCompressed();
  for (int32_t item = 0; item < transposed_.rows(); ++item) {
    for (SparseMatrix::InnerIterator it(transposed_, item); it; ++it) {
      squared_norms_[item] += static_cast<double>(it.value()) * it.value();
    }
  }
}

ItemDotProducts::Scratch ItemDotProducts::NewScratch() const {
  Scratch scratch;
  scratch.dots.assign(matrix_.cols(), 0.0);
  scratch.seen.assign(matrix_.cols(), 0);
  return scratch;
}

void ItemDotProducts::Compute(int32_t item, Scratch& scratch) const {
  for (SparseMatrix::InnerIterator user(transposed_, item); user; ++user) {
    const double a = user.value();
    for (SparseMatrix::InnerIterator other(matrix_, user.col()); other; ++other) {
      const int32_t j = other.col();
      if (!scratch.seen[j]) {
        scratch.seen[j] = 1;
        scratch.touched.push_back(j);
      }
      scratch.dots[j] += a * other.value();
    }
  }
}

void ItemDotProducts::Clear(Scratch& scratch) {
  for (int32_t j : scratch.touched) {
    scratch.dots[j] = 0.0;
    scratch.seen[j] = 0;
  }
  scratch.touched.clear();
}

}  // namespace aigc::recommender::internal
