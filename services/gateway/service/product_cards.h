// GatewayService.GetProductCards: recommendations for a user, then per item
// (in parallel, at most max_fanout calls in flight) copy from the copywriter
// and an image from the image generator, assembled into cards. The caller's
// budget (its deadline, or the default) is split: the recommendation may take
// recommend_share of it, the copy and image calls the rest minus a reserve
// for assembling the answer. A part that fails or runs out of time is left
// out of its card with its status; the call fails only when the
// recommendation does.
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_PRODUCT_CARDS_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_PRODUCT_CARDS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "services/gateway/service/gateway_core.h"

namespace aigc::gateway {

inline constexpr int kDefaultCards = 4;
inline constexpr int kMaxCards = 20;

// The deadlines of the two stages of a call that has until `deadline`.
struct CardBudget {
  absl::Time recommend_deadline;
  absl::Time parts_deadline;
};
CardBudget SplitBudget(absl::Time now, absl::Time deadline, const GatewayOptions& options);

// The number of cards asked for (count, 0 = kDefaultCards); INVALID_ARGUMENT
// "user_id" (empty) or "count" (negative or > kMaxCards).
absl::StatusOr<int> CheckCardsRequest(const v1::GetProductCardsRequest& request);

// Answers one GetProductCards call; `core` must outlive it.
grpc::ServerUnaryReactor* AnswerProductCards(GatewayCore& core,
                                             grpc::CallbackServerContext* context,
                                             const v1::GetProductCardsRequest& request,
                                             v1::GetProductCardsResponse* response);

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_PRODUCT_CARDS_H_
