#include "bench/aigc_load/runner.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/aigc_load/workload.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::load {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// A workload whose calls never leave the process: call number n (0-based, over
// all workers, warm-up included) returns behaviour(n, worker).
class FakeWorkload : public Workload {
 public:
  using Behaviour = std::function<grpc::Status(int64_t call, Worker& worker)>;

  explicit FakeWorkload(Behaviour behaviour) : behaviour_(std::move(behaviour)) {}

  std::string method() const override { return "test.Fake/Call"; }
  Params params() const override { return {}; }

  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override {
    absl::MutexLock lock(&mu_);
    ++callers_per_channel_[channel.get()];
    return std::make_unique<FakeCaller>(this);
  }

  int64_t calls() const { return calls_.load(); }

  std::map<const grpc::Channel*, int> callers_per_channel() const {
    absl::MutexLock lock(&mu_);
    return callers_per_channel_;
  }

 private:
  class FakeCaller : public Caller {
   public:
    explicit FakeCaller(const FakeWorkload* workload) : workload_(workload) {}
    grpc::Status Call(grpc::ClientContext& /*context*/, Worker& worker) override {
      return workload_->behaviour_(workload_->calls_.fetch_add(1), worker);
    }

   private:
    const FakeWorkload* workload_;
  };

  const Behaviour behaviour_;
  mutable std::atomic<int64_t> calls_{0};
  mutable absl::Mutex mu_;
  mutable std::map<const grpc::Channel*, int> callers_per_channel_ ABSL_GUARDED_BY(mu_);
};

grpc::Status AlwaysOk(int64_t /*call*/, Worker& /*worker*/) { return grpc::Status::OK; }

// Channels to a loopback port nobody calls: the fake never uses them, and
// gRPC channels connect only when used.
std::vector<std::shared_ptr<grpc::Channel>> UnusedChannels(int count) {
  return CreateChannels("127.0.0.1:1", count);
}

LevelOptions Options(int concurrency, int64_t max_requests, absl::Duration max_duration) {
  LevelOptions options;
  options.concurrency = concurrency;
  options.max_requests = max_requests;
  options.max_duration = max_duration;
  return options;
}

TEST(RunLevelTest, StopsAtTheRequestCountOverAllWorkers) {
  FakeWorkload workload(AlwaysOk);
  const auto result =
      RunLevel(workload, UnusedChannels(1), Options(4, 100, absl::Seconds(60)), nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->concurrency, 4);
  EXPECT_EQ(result->requests, 100);
  EXPECT_EQ(result->ok, 100);
  EXPECT_THAT(result->errors, IsEmpty());
  EXPECT_EQ(result->latency.count, 100);
  EXPECT_FALSE(result->interrupted);
  EXPECT_EQ(workload.calls(), 100);
}

TEST(RunLevelTest, StopsAtTheDurationWhenCallsAreSlow) {
  // 20 ms calls cannot reach a million requests in 200 ms.
  FakeWorkload workload([](int64_t, Worker&) {
    absl::SleepFor(absl::Milliseconds(20));
    return grpc::Status::OK;
  });
  const auto result = RunLevel(workload, UnusedChannels(1),
                               Options(2, 1'000'000, absl::Milliseconds(200)), nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->requests, 0);
  EXPECT_LT(result->requests, 1'000'000);
  EXPECT_EQ(result->requests, workload.calls());
  EXPECT_GT(result->qps(), 0);
  EXPECT_FALSE(result->interrupted);
}

TEST(RunLevelTest, CountsEachErrorCodeByNameAndMeasuresLatencyOfOkOnly) {
  // Calls 0..9: 1 and 6 UNAVAILABLE, 3 and 8 DEADLINE_EXCEEDED, 9 a code gRPC
  // does not define; the other five OK.
  FakeWorkload workload([](int64_t call, Worker&) {
    if (call == 9) return grpc::Status(static_cast<grpc::StatusCode>(42), "odd peer");
    if (call % 5 == 1) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
    if (call % 5 == 3) return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow");
    return grpc::Status::OK;
  });
  const auto result =
      RunLevel(workload, UnusedChannels(1), Options(3, 10, absl::Seconds(60)), nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 10);
  EXPECT_EQ(result->ok, 5);
  EXPECT_THAT(result->errors, ElementsAre(Pair("CODE_42", 1), Pair("DEADLINE_EXCEEDED", 2),
                                          Pair("UNAVAILABLE", 2)));
  EXPECT_EQ(result->latency.count, 5);
}

TEST(RunLevelTest, WarmupRequestsAndTheirCountersAreNotMeasured) {
  // The five warm-up calls (numbers 0..4) fail; the measured ones succeed.
  FakeWorkload workload([](int64_t call, Worker& worker) {
    worker.Count("things", 2);
    return call < 5 ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "cold") : grpc::Status::OK;
  });
  LevelOptions options = Options(2, 10, absl::Seconds(60));
  options.warmup.requests = 5;
  const auto result = RunLevel(workload, UnusedChannels(1), options, nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(workload.calls(), 15);
  EXPECT_EQ(result->warmup_requests, 5);
  EXPECT_EQ(result->requests, 10);
  EXPECT_EQ(result->ok, 10);
  EXPECT_THAT(result->errors, IsEmpty());
  EXPECT_THAT(result->counters, ElementsAre(Pair("things", 20)));
}

TEST(RunLevelTest, WarmupByDurationPrecedesTheCountedRequests) {
  FakeWorkload workload([](int64_t, Worker&) {
    absl::SleepFor(absl::Milliseconds(1));
    return grpc::Status::OK;
  });
  LevelOptions options = Options(2, 10, absl::Seconds(60));
  options.warmup.duration = absl::Milliseconds(50);
  const auto result = RunLevel(workload, UnusedChannels(1), options, nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 10);
  EXPECT_EQ(workload.calls(), result->warmup_requests + 10);
}

TEST(RunLevelTest, StopperEndsTheLevelEarlyAndMarksItInterrupted) {
  Stopper stopper;
  // One worker, so the calls are strictly in order: the fifth call stops.
  FakeWorkload workload([&stopper](int64_t call, Worker&) {
    if (call == 4) stopper.Stop();
    return grpc::Status::OK;
  });
  const auto result =
      RunLevel(workload, UnusedChannels(1), Options(1, 1000, absl::Seconds(60)), &stopper, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 5);
  EXPECT_TRUE(result->interrupted);
  EXPECT_EQ(workload.calls(), 5);
}

TEST(RunLevelTest, AStoppedStopperRunsNoRequest) {
  Stopper stopper;
  stopper.Stop();
  FakeWorkload workload(AlwaysOk);
  const auto result =
      RunLevel(workload, UnusedChannels(1), Options(2, 1000, absl::Seconds(60)), &stopper, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 0);
  EXPECT_EQ(result->qps(), 0);
  EXPECT_TRUE(result->interrupted);
  EXPECT_EQ(workload.calls(), 0);
}

TEST(RunLevelTest, SpreadsWorkersOverChannelsRoundRobin) {
  FakeWorkload workload(AlwaysOk);
  const auto channels = UnusedChannels(2);
  const auto result = RunLevel(workload, channels, Options(5, 10, absl::Seconds(60)), nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  // Workers 0, 2, 4 on the first channel, 1 and 3 on the second.
  EXPECT_THAT(
      workload.callers_per_channel(),
      ::testing::UnorderedElementsAre(Pair(channels[0].get(), 3), Pair(channels[1].get(), 2)));
}

TEST(RunLevelTest, ReportsProgressThatNeverRunsAhead) {
  FakeWorkload workload([](int64_t, Worker&) {
    absl::SleepFor(absl::Milliseconds(2));
    return grpc::Status::OK;
  });
  LevelOptions options = Options(2, 1'000'000, absl::Milliseconds(300));
  options.progress_interval = absl::Milliseconds(20);
  std::vector<Progress> seen;
  const auto result = RunLevel(workload, UnusedChannels(1), options, nullptr,
                               [&seen](const Progress& progress) { seen.push_back(progress); });
  ASSERT_TRUE(result.ok()) << result.status();
  int64_t previous = 0;
  for (const Progress& progress : seen) {
    if (progress.warming_up) continue;
    EXPECT_GE(progress.requests, previous);
    EXPECT_LE(progress.requests, result->requests);
    EXPECT_EQ(progress.errors, 0);
    previous = progress.requests;
  }
}

struct BadOptionsCase {
  std::string name;
  std::function<void(LevelOptions&)> change;
  std::string field;
};

class RunLevelBadOptionsTest : public ::testing::TestWithParam<BadOptionsCase> {};

TEST_P(RunLevelBadOptionsTest, FailsNamingTheOption) {
  LevelOptions options = Options(1, 10, absl::Seconds(1));
  GetParam().change(options);
  FakeWorkload workload(AlwaysOk);
  const auto result = RunLevel(workload, UnusedChannels(1), options, nullptr, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr(GetParam().field + ":"));
  EXPECT_EQ(workload.calls(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Options, RunLevelBadOptionsTest,
    ::testing::Values(
        BadOptionsCase{"NoWorkers", [](LevelOptions& o) { o.concurrency = 0; }, "concurrency"},
        BadOptionsCase{"TooManyWorkers",
                       [](LevelOptions& o) { o.concurrency = kMaxConcurrency + 1; }, "concurrency"},
        BadOptionsCase{"NoRequests", [](LevelOptions& o) { o.max_requests = 0; }, "max_requests"},
        BadOptionsCase{"NoDuration", [](LevelOptions& o) { o.max_duration = absl::ZeroDuration(); },
                       "max_duration"},
        BadOptionsCase{"NoDeadline", [](LevelOptions& o) { o.rpc_deadline = absl::ZeroDuration(); },
                       "rpc_deadline"},
        BadOptionsCase{"WarmupCountAndDuration",
                       [](LevelOptions& o) {
                         o.warmup.requests = 1;
                         o.warmup.duration = absl::Seconds(1);
                       },
                       "warmup"}),
    [](const ::testing::TestParamInfo<BadOptionsCase>& info) { return info.param.name; });

TEST(RunLevelTest, FailsWithoutChannels) {
  FakeWorkload workload(AlwaysOk);
  const auto result = RunLevel(workload, {}, Options(1, 10, absl::Seconds(1)), nullptr, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseWarmupTest, TakesACountOrADurationOrNothing) {
  EXPECT_EQ(ParseWarmup("500")->requests, 500);
  EXPECT_EQ(ParseWarmup("500")->duration, absl::ZeroDuration());
  EXPECT_EQ(ParseWarmup("2s")->duration, absl::Seconds(2));
  EXPECT_EQ(ParseWarmup("2s")->requests, 0);
  EXPECT_EQ(ParseWarmup("250ms")->duration, absl::Milliseconds(250));
  EXPECT_EQ(ParseWarmup("0")->requests, 0);
  EXPECT_EQ(ParseWarmup("")->duration, absl::ZeroDuration());
}

TEST(ParseWarmupTest, RejectsNegativeAndMalformedValues) {
  for (const char* text : {"-1", "-2s", "two seconds", "5x", "inf"}) {
    EXPECT_EQ(ParseWarmup(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ParseConcurrencyListTest, KeepsTheLevelsInOrder) {
  EXPECT_THAT(*ParseConcurrencyList("1,8,32"), ElementsAre(1, 8, 32));
  EXPECT_THAT(*ParseConcurrencyList("16, 4"), ElementsAre(16, 4));
  EXPECT_THAT(*ParseConcurrencyList("4096"), ElementsAre(4096));
}

TEST(ParseConcurrencyListTest, RejectsEntriesOutsideTheRange) {
  for (const char* text : {"", "0", "1,,8", "4097", "-1", "eight", "1.5"}) {
    const auto levels = ParseConcurrencyList(text);
    EXPECT_EQ(levels.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_THAT(ParseConcurrencyList("1,x").status().message(), HasSubstr("\"x\""));
}

TEST(StopperTest, RunsSubscribersOnceAndLateSubscribersAtOnce) {
  Stopper stopper;
  int early = 0;
  int removed = 0;
  stopper.Subscribe([&early] { ++early; });
  stopper.Unsubscribe(stopper.Subscribe([&removed] { ++removed; }));
  EXPECT_FALSE(stopper.stopped());
  stopper.Stop();
  stopper.Stop();
  EXPECT_TRUE(stopper.stopped());
  EXPECT_EQ(early, 1);
  EXPECT_EQ(removed, 0);
  int late = 0;
  stopper.Subscribe([&late] { ++late; });
  EXPECT_EQ(late, 1);
}

TEST(WorkerTest, SameSeedAndIndexDrawTheSameNumbers) {
  Worker a(3, 42);
  Worker b(3, 42);
  Worker other_index(4, 42);
  Worker other_seed(3, 43);
  const uint64_t first = a.random()();
  EXPECT_EQ(b.random()(), first);
  EXPECT_NE(other_index.random()(), first);
  EXPECT_NE(other_seed.random()(), first);
}

TEST(WorkerTest, CountsAddUpByNameUntilCleared) {
  Worker worker(0, 1);
  worker.Count("accepted", 3);
  worker.Count("accepted", 4);
  worker.Count("rejected", 0);
  EXPECT_EQ(worker.counts().at("accepted"), 7);
  EXPECT_EQ(worker.counts().at("rejected"), 0);
  worker.ClearCounts();
  EXPECT_TRUE(worker.counts().empty());
}

TEST(WorkloadRegistryTest, CreatesByNameAndRejectsUnknownAndDuplicateNames) {
  WorkloadRegistry registry;
  ASSERT_TRUE(registry
                  .Register("fake", "calls nothing",
                            []() -> absl::StatusOr<std::unique_ptr<Workload>> {
                              return std::make_unique<FakeWorkload>(AlwaysOk);
                            })
                  .ok());
  ASSERT_TRUE(registry
                  .Register("broken", "bad flags",
                            []() -> absl::StatusOr<std::unique_ptr<Workload>> {
                              return absl::InvalidArgumentError("--x: bad");
                            })
                  .ok());
  EXPECT_EQ(registry.Register("fake", "again", {}).code(), absl::StatusCode::kAlreadyExists);

  const auto fake = registry.Create("fake");
  ASSERT_TRUE(fake.ok()) << fake.status();
  EXPECT_EQ((*fake)->method(), "test.Fake/Call");
  EXPECT_EQ(registry.Create("broken").status().message(), "--x: bad");
  const auto unknown = registry.Create("nope");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("known: broken, fake"));
  EXPECT_EQ(registry.Describe(), "  broken: bad flags\n  fake: calls nothing\n");
}

}  // namespace
}  // namespace aigc::load
