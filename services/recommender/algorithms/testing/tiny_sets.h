// Tiny hand-checkable training sets shared by the algorithm tests.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_TESTING_TINY_SETS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_TESTING_TINY_SETS_H_

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status/status.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender::testing {

// A training set over users u0.. and items a, b, c, ... from
// (user, item) pairs, each an interaction of weight 1 at time 0.
inline TrainingSet MakeSet(const std::vector<std::pair<std::string, std::string>>& pairs) {
  TrainingSet set;
  for (const auto& [user, item] : pairs) {
    set.interactions.push_back(
        {.user = set.users.Add(user), .item = set.items.Add(item), .weight = 1.0f});
  }
  set.item_tokens.resize(set.items.size());
  set.item_categories.assign(set.items.size(), 0);
  return set;
}

// u0: a b / u1: a b c / u2: b c / u3: d. Item norms: a sqrt2, b sqrt3,
// c sqrt2, d 1; dots a.b 2, a.c 1, b.c 2, d.* 0.
inline TrainingSet FourUsers() {
  return MakeSet({{"u0", "a"},
                  {"u0", "b"},
                  {"u1", "a"},
                  {"u1", "b"},
                  {"u1", "c"},
                  {"u2", "b"},
                  {"u2", "c"},
                  {"u3", "d"}});
}

// A profile of `set`'s items (by id), weight 1 each, unknown user.
inline UserProfile ProfileOf(const RecModel& model, const std::vector<std::string>& items,
                             int32_t user = -1) {
  UserProfile profile;
  profile.user = user;
  for (const std::string& id : items) {
    profile.items.push_back(model.items().Find(id));
    profile.weights.push_back(1.0f);
    profile.ratings.push_back(std::numeric_limits<float>::quiet_NaN());
  }
  return profile;
}

// Scores of `profile` by item id.
inline std::map<std::string, float> ScoresOf(const RecModel& model, const UserProfile& profile) {
  std::vector<float> scores(model.items().size());
  model.Score(profile, absl::MakeSpan(scores));
  std::map<std::string, float> by_id;
  for (int32_t i = 0; i < model.items().size(); ++i) by_id[model.items().Id(i)] = scores[i];
  return by_id;
}

// Similarities to `item` by item id.
inline std::map<std::string, float> SimilarOf(const RecModel& model, const std::string& item) {
  std::vector<float> scores(model.items().size());
  const absl::Status status = model.Similar(model.items().Find(item), absl::MakeSpan(scores));
  std::map<std::string, float> by_id;
  if (!status.ok()) return by_id;
  for (int32_t i = 0; i < model.items().size(); ++i) by_id[model.items().Id(i)] = scores[i];
  return by_id;
}

// Trains with default parameters plus `overrides`.
inline absl::StatusOr<std::unique_ptr<RecModel>> Train(
    aigc::recommender::v1::Algorithm algorithm, const TrainingSet& set,
    const std::map<std::string, std::string>& overrides = {}) {
  AIGC_ASSIGN_OR_RETURN(const Hyperparameters params, Hyperparameters::Parse(overrides));
  return TrainModel(algorithm, set, params, TrainContext{});
}

}  // namespace aigc::recommender::testing

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_TESTING_TINY_SETS_H_
