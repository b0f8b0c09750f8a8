#include "services/gateway/service/delayed_tasks.h"

#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace aigc::gateway {
namespace {

TEST(DelayedTasksTest, RunsTasksInTimeOrderAndDropsTheRestOnStop) {
  absl::Mutex mu;
  std::vector<int> ran;
  absl::Notification second;
  bool dropped_ran = false;
  {
    DelayedTasks tasks;
    const absl::Time now = absl::Now();
    tasks.Schedule(now + absl::Milliseconds(60), [&] {
      absl::MutexLock lock(&mu);
      ran.push_back(2);
      second.Notify();
    });
    tasks.Schedule(now + absl::Milliseconds(10), [&] {
      absl::MutexLock lock(&mu);
      ran.push_back(1);
    });
    tasks.Schedule(now + absl::Hours(1), [&] { dropped_ran = true; });
    ASSERT_TRUE(second.WaitForNotificationWithTimeout(absl::Seconds(10)));
  }
  absl::MutexLock lock(&mu);
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
  EXPECT_FALSE(dropped_ran);
}

}  // namespace
}  // namespace aigc::gateway
