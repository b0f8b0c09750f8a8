#include "services/recommender/algorithms/internal/factors_bpr.h"

#include <cmath>

namespace aigc::recommender::internal {
namespace {

// ln sigma(x) = -ln(1 + e^-x), without overflow for large |x|.
double LogSigmoid(double x) {
  return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
}

}  // namespace

double BprStep(Eigen::Ref<Eigen::RowVectorXf> user, Eigen::Ref<Eigen::RowVectorXf> positive,
               Eigen::Ref<Eigen::RowVectorXf> negative, float& positive_bias, float& negative_bias,
               float learning_rate, float regularization) {
  const double x = user.dot(positive - negative) + positive_bias - negative_bias;
  const float g = static_cast<float>(1.0 / (1.0 + std::exp(x)));
  const Eigen::RowVectorXf old_user = user;
  user += learning_rate * (g * (positive - negative) - regularization * user);
  positive += learning_rate * (g * old_user - regularization * positive);
  negative += learning_rate * (-g * old_user - regularization * negative);
  positive_bias += learning_rate * (g - regularization * positive_bias);
  negative_bias += learning_rate * (-g - regularization * negative_bias);
  return LogSigmoid(x);
}

double BprUserStep(Eigen::Ref<Eigen::RowVectorXf> user,
                   const Eigen::Ref<const Eigen::RowVectorXf>& positive,
                   const Eigen::Ref<const Eigen::RowVectorXf>& negative, float positive_bias,
                   float negative_bias, float learning_rate, float regularization) {
  const double x = user.dot(positive - negative) + positive_bias - negative_bias;
  const float g = static_cast<float>(1.0 / (1.0 + std::exp(x)));
  user += learning_rate * (g * (positive - negative) - regularization * user);
  return LogSigmoid(x);
}

}  // namespace aigc::recommender::internal
