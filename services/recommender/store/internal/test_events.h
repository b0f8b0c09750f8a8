// Test support shared by store_test.cc and store_crash_helper.cc: the events
// of the crash test are a pure function of (batch, index), so the test can
// check what the killed helper process acknowledged without a side channel
// for their content.
#ifndef AIGC_SERVICES_RECOMMENDER_STORE_INTERNAL_TEST_EVENTS_H_
#define AIGC_SERVICES_RECOMMENDER_STORE_INTERNAL_TEST_EVENTS_H_

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender::internal {

// Event `index` of batch `batch`: event_id "b<batch>-e<index>", one of 7
// users, a rating whose value and time depend on both numbers.
inline v1::Event CrashTestEvent(int64_t batch, int64_t index) {
  v1::Event event;
  event.set_event_id(absl::StrCat("b", batch, "-e", index));
  event.set_user_id(absl::StrCat("user-", (batch + index) % 7));
  event.set_item_id(absl::StrCat("item-", batch * 31 + index));
  event.set_type(v1::EVENT_TYPE_RATING);
  event.set_rating(0.5f * static_cast<float>(1 + (batch + index) % 10));
  event.mutable_event_time()->set_seconds(1'700'000'000 + batch * 1000 + index);
  event.mutable_context()->set_surface("crash_test");
  return event;
}

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_STORE_INTERNAL_TEST_EVENTS_H_
