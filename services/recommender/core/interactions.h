// The recommender's training data: user-item interactions over dense indices.
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_INTERACTIONS_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_INTERACTIONS_H_

#include <cstdint>
#include <limits>

namespace aigc::recommender {

// One user-item interaction. `user` and `item` are dense indices (see
// IdIndex); several interactions of the same pair are allowed and add up.
struct Interaction {
  int32_t user = 0;
  int32_t item = 0;
  // Implicit-feedback strength, > 0 (e.g. view 1, purchase 4).
  float weight = 1.0f;
  // Explicit rating in stars (0.5..5.0), or NaN when the interaction is not a
  // rating.
  float rating = std::numeric_limits<float>::quiet_NaN();
  // Seconds since the Unix epoch.
  int64_t time = 0;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_INTERACTIONS_H_
