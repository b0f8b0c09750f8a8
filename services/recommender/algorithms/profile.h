// Building a UserProfile from a user's interactions.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_PROFILE_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_PROFILE_H_

#include <cstdint>

#include "absl/types/span.h"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/core/interactions.h"

namespace aigc::recommender {

// The profile of `user` (a model user index or -1) from their interactions,
// whose `item` fields are already model item indices (entries with item < 0
// are skipped). Interactions of one item merge: weights add up, the newest
// rating wins, and the item takes the time of its newest interaction.
// Items are ordered oldest first; ties keep input order.
UserProfile MakeProfile(int32_t user, absl::Span<const Interaction> history);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_PROFILE_H_
