// The Fréchet distance between two sets of feature vectors, each summarised
// as a Gaussian (mean and covariance): the FID of Heusel et al. (2017) when
// the features come from an image classifier. Here they are the evaluation
// classifier's penultimate features (classifier/fmnist_classifier.h), not
// Inception's, so the numbers compare generators of Fashion-MNIST with one
// another, not with published FIDs.
#ifndef AIGC_SERVICES_IMAGEGEN_EVAL_FRECHET_DISTANCE_H_
#define AIGC_SERVICES_IMAGEGEN_EVAL_FRECHET_DISTANCE_H_

#include <span>

#include "absl/status/statusor.h"

namespace aigc::imagegen {

// ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2) for the
// rows of `features_a` and `features_b` (row-major, `dim` floats a row; the
// row counts may differ). Means and covariances (divided by n - 1, as
// numpy.cov) are computed in double; the matrix square roots come from
// symmetric eigendecompositions whose tiny negative eigenvalues (rounding)
// count as 0, and a result below 0 from rounding is returned as 0.
// INVALID_ARGUMENT "dim" when < 1, "features_a" / "features_b" when the size
// is not a multiple of dim or holds fewer than 2 rows.
absl::StatusOr<double> FrechetDistance(std::span<const float> features_a,
                                       std::span<const float> features_b, int dim);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_EVAL_FRECHET_DISTANCE_H_
