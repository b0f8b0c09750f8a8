#include "common/runtime/batcher.h"

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "tests/testing/prometheus_text.h"

namespace aigc::runtime {
namespace {

using ::testing::HasSubstr;

// A model of the manifest below: y = x * scale + version. It records the
// first element of every request it computes, can be held inside Run until
// released, and fails whole batches that contain a negative x[0].
class FakeModel : public Model {
 public:
  FakeModel(float scale, int64_t version) : scale_(scale), version_(version) {}

  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) override {
    if (!entered_.HasBeenNotified()) entered_.Notify();  // one batcher thread calls Run
    if (hold_ != nullptr) hold_->WaitForNotification();
    const Tensor& x = inputs[0];
    std::vector<float> y(x.float32().size());
    const int64_t batch = x.shape()[0];
    {
      absl::MutexLock lock(&mu_);
      batch_sizes_.push_back(batch);
      for (int64_t r = 0; r < batch; ++r) seen_.insert(x.float32()[r * 2]);
    }
    for (size_t i = 0; i < y.size(); ++i) {
      if (x.float32()[i] < 0) return absl::InvalidArgumentError("negative input");
      y[i] = x.float32()[i] * scale_ + static_cast<float>(version_);
    }
    return std::vector<Tensor>{Tensor::Float32(x.shape(), std::move(y))};
  }

  void HoldUntil(absl::Notification* release) { hold_ = release; }
  void WaitUntilEntered() { entered_.WaitForNotification(); }
  bool Saw(float first_element) {
    absl::MutexLock lock(&mu_);
    return seen_.contains(first_element);
  }
  std::vector<int64_t> batch_sizes() {
    absl::MutexLock lock(&mu_);
    return batch_sizes_;
  }

 private:
  const float scale_;
  const int64_t version_;
  absl::Notification* hold_ = nullptr;
  absl::Notification entered_;
  absl::Mutex mu_;
  std::set<float> seen_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> batch_sizes_ ABSL_GUARDED_BY(mu_);
};

// The answer to one submitted request.
struct Answer {
  absl::StatusOr<InferResponse> result;
  absl::Notification done;
};

void SubmitTo(DynamicBatcher& batcher, InferRequest request, Answer* answer) {
  batcher.Submit(std::move(request), [answer](absl::StatusOr<InferResponse> r) {
    answer->result = std::move(r);
    answer->done.Notify();
  });
}

ModelManifest PairManifest(int64_t version) {
  ModelManifest manifest;
  manifest.set_name("pair");
  manifest.set_version(version);
  auto* x = manifest.add_inputs();
  x->set_name("x");
  x->set_dtype(v1::DATA_TYPE_FLOAT32);
  x->add_shape(2);
  auto* y = manifest.add_outputs();
  y->set_name("y");
  y->set_dtype(v1::DATA_TYPE_FLOAT32);
  y->add_shape(2);
  return manifest;
}

class BatcherTest : public ::testing::Test {
 protected:
  // Serves a FakeModel as version `version` of "pair"; returns it (owned by
  // the loaded model).
  FakeModel* Serve(int64_t version, float scale = 2.0f) {
    auto loaded = std::make_shared<LoadedModel>();
    loaded->manifest = PairManifest(version);
    auto model = std::make_unique<FakeModel>(scale, version);
    FakeModel* raw = model.get();
    loaded->model = std::move(model);
    absl::MutexLock lock(&mu_);
    serving_ = std::move(loaded);
    return raw;
  }

  std::unique_ptr<DynamicBatcher> MakeBatcher(const BatcherOptions& options) {
    auto batcher = DynamicBatcher::Create(
        "pair",
        [this]() -> std::shared_ptr<const LoadedModel> {
          absl::MutexLock lock(&mu_);
          return serving_;
        },
        options, &metrics_);
    EXPECT_TRUE(batcher.ok()) << batcher.status();
    return *std::move(batcher);
  }

  // Serves version 1, starts batcher_ with `options` and submits a first
  // request (x = {1000, 0}) that the model holds inside Run until `release` is
  // notified, so whatever is submitted next stays queued.
  FakeModel* ServeHeld(const BatcherOptions& options, absl::Notification* release, Answer* first) {
    FakeModel* model = Serve(1);
    model->HoldUntil(release);
    batcher_ = MakeBatcher(options);
    SubmitTo(*batcher_, Request(1000, 0), first);
    model->WaitUntilEntered();
    return model;
  }

  static InferRequest Request(float a, float b) {
    InferRequest request;
    request.inputs.push_back(Tensor::Float32({2}, {a, b}));
    return request;
  }

  double Metric(const std::string& name, const std::map<std::string, std::string>& labels) {
    const std::string text = prometheus::TextSerializer().Serialize(registry_.Collect());
    auto samples = testing::ParsePrometheusText(text);
    EXPECT_TRUE(samples.ok()) << samples.status();
    return testing::FindSample(*samples, name, labels).value_or(-1);
  }

  prometheus::Registry registry_;
  InferenceMetrics metrics_{registry_};
  absl::Mutex mu_;
  std::shared_ptr<const LoadedModel> serving_ ABSL_GUARDED_BY(mu_);
  // Last, so it stops before what it uses is destroyed.
  std::unique_ptr<DynamicBatcher> batcher_;
};

TEST_F(BatcherTest, EveryCallerGetsItsOwnResultUnderConcurrency) {
  FakeModel* model = Serve(1);
  BatcherOptions options;
  options.max_batch_size = 8;
  options.max_queue_delay = absl::Milliseconds(2);
  auto batcher = MakeBatcher(options);

  constexpr int kThreads = 16;
  constexpr int kRequestsPerThread = 100;
  std::atomic<int> wrong{0};
  std::atomic<int> largest_batch{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        const float a = static_cast<float>(t * 1000 + i);
        const float b = static_cast<float>(i);
        absl::StatusOr<InferResponse> response = batcher->Infer(Request(a, b));
        if (!response.ok() || response->outputs.size() != 1 ||
            response->outputs[0].float32() != std::vector<float>{a * 2 + 1, b * 2 + 1}) {
          ++wrong;
        } else {
          int seen = largest_batch.load();
          while (response->batch_size > seen &&
                 !largest_batch.compare_exchange_weak(seen, response->batch_size)) {
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(largest_batch.load(), 1) << "16 concurrent callers never shared a batch";
  for (int64_t size : model->batch_sizes()) EXPECT_LE(size, 8);
  EXPECT_EQ(Metric("aigc_inference_requests_total",
                   {{"model", "pair"}, {"version", "1"}, {"outcome", "ok"}}),
            kThreads * kRequestsPerThread);
}

TEST_F(BatcherTest, FullQueueAnswersResourceExhaustedAtOnce) {
  BatcherOptions options;
  options.max_batch_size = 1;
  options.max_queue_size = 2;
  absl::Notification release;
  std::vector<Answer> answers(3);
  FakeModel* model = ServeHeld(options, &release, &answers[0]);  // the queue is empty
  SubmitTo(*batcher_, Request(1, 0), &answers[1]);
  SubmitTo(*batcher_, Request(2, 0), &answers[2]);
  ASSERT_EQ(batcher_->QueuedRequests(), 2);

  absl::StatusOr<InferResponse> rejected = batcher_->Infer(Request(3, 0));
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rejected.status().message(), HasSubstr("queue"));

  release.Notify();
  for (int i = 0; i < 3; ++i) {
    answers[i].done.WaitForNotification();
    EXPECT_TRUE(answers[i].result.ok()) << i << ": " << answers[i].result.status();
  }
  EXPECT_FALSE(model->Saw(3));
  EXPECT_EQ(Metric("aigc_inference_requests_total",
                   {{"model", "pair"}, {"version", "1"}, {"outcome", "rejected"}}),
            1);
}

TEST_F(BatcherTest, ExpiredRequestNeverReachesModel) {
  BatcherOptions options;
  options.max_batch_size = 4;
  absl::Notification release;
  Answer first;
  FakeModel* model = ServeHeld(options, &release, &first);

  InferRequest expiring = Request(42, 0);
  expiring.deadline = absl::Now() + absl::Milliseconds(5);
  Answer expired;
  SubmitTo(*batcher_, std::move(expiring), &expired);
  absl::SleepFor(absl::Milliseconds(20));  // the deadline passes while request 1 holds the model
  release.Notify();
  expired.done.WaitForNotification();
  first.done.WaitForNotification();

  EXPECT_EQ(expired.result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(model->Saw(42));
  EXPECT_EQ(Metric("aigc_inference_requests_total",
                   {{"model", "pair"}, {"version", "none"}, {"outcome", "expired"}}),
            1);
}

TEST_F(BatcherTest, RequestPastItsDeadlineIsRefusedAtSubmit) {
  FakeModel* model = Serve(1);
  auto batcher = MakeBatcher(BatcherOptions());
  InferRequest late = Request(7, 0);
  late.deadline = absl::Now() - absl::Milliseconds(1);
  EXPECT_EQ(batcher->Infer(std::move(late)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(model->Saw(7));
}

TEST_F(BatcherTest, CancelledRequestNeverReachesModel) {
  BatcherOptions options;
  options.max_batch_size = 4;
  absl::Notification release;
  Answer first;
  FakeModel* model = ServeHeld(options, &release, &first);

  std::atomic<bool> cancelled{false};
  InferRequest cancellable = Request(42, 0);
  cancellable.is_cancelled = [&] { return cancelled.load(); };
  Answer answer;
  SubmitTo(*batcher_, std::move(cancellable), &answer);
  cancelled = true;
  release.Notify();
  answer.done.WaitForNotification();
  first.done.WaitForNotification();

  EXPECT_EQ(answer.result.status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(model->Saw(42));
}

TEST_F(BatcherTest, QueuedRequestsFormBatchesOfAtMostMaxBatchSize) {
  FakeModel* model = Serve(1);
  absl::Notification release;
  model->HoldUntil(&release);
  BatcherOptions options;
  options.max_batch_size = 4;
  options.max_queue_delay = absl::Seconds(10);  // only a full batch (or the hold) triggers compute
  auto batcher = MakeBatcher(options);

  std::atomic<int> answered{0};
  absl::Notification all_done;
  for (int i = 0; i < 12; ++i) {
    batcher->Submit(Request(static_cast<float>(i), 0), [&](absl::StatusOr<InferResponse> r) {
      EXPECT_TRUE(r.ok()) << r.status();
      if (++answered == 12) all_done.Notify();
    });
  }
  release.Notify();
  all_done.WaitForNotification();
  EXPECT_EQ(model->batch_sizes(), (std::vector<int64_t>{4, 4, 4}));
}

TEST_F(BatcherTest, InvalidInputsAreRejectedNamingTheInput) {
  Serve(1);
  auto batcher = MakeBatcher(BatcherOptions());

  InferRequest wrong_shape;
  wrong_shape.inputs.push_back(Tensor::Float32({3}, {1, 2, 3}));
  absl::Status status = batcher->Infer(std::move(wrong_shape)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("inputs[0]"));

  InferRequest wrong_dtype;
  wrong_dtype.inputs.push_back(Tensor::Int64({2}, {1, 2}));
  status = batcher->Infer(std::move(wrong_dtype)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("dtype"));

  InferRequest wrong_count;
  status = batcher->Infer(std::move(wrong_count)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("inputs"));

  InferRequest too_few_values;
  too_few_values.inputs.push_back(Tensor::Float32({2}, {1}));
  status = batcher->Infer(std::move(too_few_values)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("needs 2 values"));
}

TEST_F(BatcherTest, NoLoadedModelIsUnavailable) {
  auto batcher = MakeBatcher(BatcherOptions());
  EXPECT_EQ(batcher->Infer(Request(1, 2)).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(BatcherTest, ABadRequestFailsAloneNotItsWholeBatch) {
  BatcherOptions options;
  options.max_batch_size = 4;
  absl::Notification release;
  Answer first;
  ServeHeld(options, &release, &first);
  std::vector<Answer> answers(4);
  const std::vector<float> firsts = {1, -1, 2, 3};  // -1 makes the model fail
  for (int i = 0; i < 4; ++i) SubmitTo(*batcher_, Request(firsts[i], 0), &answers[i]);
  release.Notify();
  for (Answer& answer : answers) answer.done.WaitForNotification();
  first.done.WaitForNotification();

  EXPECT_TRUE(answers[0].result.ok());
  EXPECT_EQ(answers[1].result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(answers[2].result.ok());
  ASSERT_TRUE(answers[3].result.ok());
  EXPECT_EQ(answers[3].result->outputs[0].float32(), (std::vector<float>{7, 1}));
}

TEST_F(BatcherTest, NewVersionServesRequestsQueuedAfterTheSwap) {
  Serve(1);
  auto batcher = MakeBatcher(BatcherOptions());
  absl::StatusOr<InferResponse> before = batcher->Infer(Request(1, 1));
  Serve(2, 10.0f);
  absl::StatusOr<InferResponse> after = batcher->Infer(Request(1, 1));
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->model_version, 1);
  EXPECT_EQ(before->outputs[0].float32(), (std::vector<float>{3, 3}));
  EXPECT_EQ(after->model_version, 2);
  EXPECT_EQ(after->outputs[0].float32(), (std::vector<float>{12, 12}));
}

TEST_F(BatcherTest, DestructionComputesWhatIsQueued) {
  FakeModel* model = Serve(1);
  absl::Notification release;
  model->HoldUntil(&release);
  BatcherOptions options;
  options.max_batch_size = 1;
  auto batcher = MakeBatcher(options);
  std::atomic<int> ok{0};
  for (int i = 0; i < 5; ++i) {
    batcher->Submit(Request(static_cast<float>(i), 0), [&](absl::StatusOr<InferResponse> r) {
      if (r.ok()) ++ok;
    });
  }
  model->WaitUntilEntered();
  std::thread destroyer([&] { batcher.reset(); });
  release.Notify();
  destroyer.join();
  EXPECT_EQ(ok.load(), 5);
}

TEST(BatcherOptionsTest, OutOfRangeOptionsNameTheOption) {
  BatcherOptions options;
  options.max_batch_size = 0;
  EXPECT_THAT(ValidateBatcherOptions(options).message(), HasSubstr("max_batch_size"));
  options = BatcherOptions();
  options.max_queue_size = 0;
  EXPECT_THAT(ValidateBatcherOptions(options).message(), HasSubstr("max_queue_size"));
  options = BatcherOptions();
  options.max_queue_delay = -absl::Milliseconds(1);
  EXPECT_THAT(ValidateBatcherOptions(options).message(), HasSubstr("max_queue_delay"));
}

}  // namespace
}  // namespace aigc::runtime
