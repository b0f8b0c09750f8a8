// Helper process of store_test's kill -9 test (not a tool): appends batches
// of internal::CrashTestEvent to a store in a loop and prints one line per
// acknowledged batch,
//
//   acked <batch> <first_sequence> <last_sequence>
//
// flushed before the next batch starts, until it is killed, has written
// <max_batches> batches or has run <max_seconds> seconds.
//
// Usage: store_crash_helper <db_path> <sync:0|1> <batch_size> <max_batches> <max_seconds>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/recommender/store/internal/test_events.h"
#include "services/recommender/store/store.h"

namespace {

int64_t ArgOrDie(const char* arg) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(arg, &value) || value < 0) {
    std::fprintf(stderr, "store_crash_helper: bad number %s\n", arg);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: store_crash_helper <db_path> <sync:0|1> <batch_size> <max_batches> "
                 "<max_seconds>\n");
    return 2;
  }
  aigc::recommender::StoreOptions options;
  options.path = argv[1];
  options.sync = ArgOrDie(argv[2]) != 0;
  const int64_t batch_size = ArgOrDie(argv[3]);
  const int64_t max_batches = ArgOrDie(argv[4]);
  const absl::Time deadline = absl::Now() + absl::Seconds(ArgOrDie(argv[5]));

  auto store = aigc::recommender::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "store_crash_helper: %s\n", store.status().ToString().c_str());
    return 1;
  }
  for (int64_t batch = 0; batch < max_batches && absl::Now() < deadline; ++batch) {
    std::vector<aigc::recommender::v1::Event> events;
    for (int64_t i = 0; i < batch_size; ++i) {
      events.push_back(aigc::recommender::internal::CrashTestEvent(batch, i));
    }
    auto result = (*store)->AppendEvents(events);
    if (!result.ok()) {
      std::fprintf(stderr, "store_crash_helper: %s\n", result.status().ToString().c_str());
      return 1;
    }
    std::printf("acked %lld %llu %llu\n", static_cast<long long>(batch),
                static_cast<unsigned long long>(result->outcomes.front().sequence),
                static_cast<unsigned long long>(result->outcomes.back().sequence));
    std::fflush(stdout);
  }
  return 0;
}
