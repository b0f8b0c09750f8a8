#include "services/recommender/algorithms/popularity.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

class PopularityModel final : public RecModel {
 public:
  PopularityModel(IdIndex users, IdIndex items, std::vector<float> scores,
                  std::vector<int32_t> categories)
      : RecModel(std::move(users), std::move(items)),
        scores_(std::move(scores)),
        categories_(std::move(categories)) {}

  v1::Algorithm algorithm() const override { return v1::ALGORITHM_POPULARITY; }

  void Score(const UserProfile&, absl::Span<float> scores) const override {
    std::copy(scores_.begin(), scores_.end(), scores.begin());
  }

  // Popular items of the query item's category; every item when it has none.
  absl::Status Similar(int32_t item, absl::Span<float> scores) const override {
    const int32_t category = categories_[item];
    for (size_t j = 0; j < scores_.size(); ++j) {
      scores[j] = (category == 0 || categories_[j] == category)
                      ? scores_[j]
                      : -std::numeric_limits<float>::infinity();
    }
    return absl::OkStatus();
  }

  Explanation Explain(const UserProfile&, int32_t) const override {
    return {.type = v1::REASON_TYPE_POPULAR};
  }

 protected:
  void SaveWeights(Archive& archive) const override {
    archive.PutFloats("popularity", 1, static_cast<int64_t>(scores_.size()), scores_);
    archive.PutInts("categories", categories_);
  }

 private:
  const std::vector<float> scores_;
  const std::vector<int32_t> categories_;
};

}  // namespace

std::vector<ParamSpec> PopularityParams() {
  return {{.key = "popularity.half_life_days",
           .default_value = 0,
           .min = 0,
           .max = 3650,
           .help = "Half-life of an interaction's weight, in days before the newest interaction; "
                   "0 = no decay (plain event-weighted counts)."}};
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainPopularity(const TrainingSet& set,
                                                          const Hyperparameters& params,
                                                          const TrainContext& context) {
  const double half_life_seconds = params.Get("popularity.half_life_days") * 86400.0;
  std::vector<float> scores(set.items.size(), 0.0f);
  for (const Interaction& x : set.interactions) {
    double weight = x.weight;
    if (half_life_seconds > 0) {
      const double age = static_cast<double>(std::max<int64_t>(0, set.now - x.time));
      weight *= std::exp2(-age / half_life_seconds);
    }
    scores[x.item] += static_cast<float>(weight);
  }
  std::vector<int32_t> categories = set.item_categories;
  categories.resize(set.items.size(), 0);
  context.Report(1.0, "popularity counted");
  return std::make_unique<PopularityModel>(set.users, set.items, std::move(scores),
                                           std::move(categories));
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadPopularity(IdIndex users, IdIndex items,
                                                         const Archive& archive) {
  AIGC_ASSIGN_OR_RETURN(FloatMatrix scores, archive.GetFloats("popularity"));
  AIGC_RETURN_IF_ERROR(internal::CheckShape(scores, 1, items.size(), "popularity"));
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> categories, archive.GetInts("categories"));
  AIGC_RETURN_IF_ERROR(internal::CheckIndices(categories, items.size(), -1, "categories"));
  return std::make_unique<PopularityModel>(std::move(users), std::move(items),
                                           std::move(scores.values), std::move(categories));
}

}  // namespace aigc::recommender
