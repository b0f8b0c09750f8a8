// Measures the inference runtime on this machine: a small MLP and a small conv
// net, closed-loop clients at several concurrencies, dynamic batching on and
// off, side by side in one run. Prints a Markdown table (for
// docs/benchmarks.md) and optionally writes the rows as JSON.
//
//   build/bench/runtime_bench --duration=5s --output_json=/tmp/runtime_bench.json
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/cli/cli.h"
#include "common/runtime/batcher.h"
#include "common/runtime/model_repository.h"
#include "common/runtime/runtime_flags.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "prometheus/registry.h"

ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "How long each case runs.");
ABSL_FLAG(int, max_requests, 200000, "Most requests per case (the loop also stops at --duration).");
ABSL_FLAG(std::string, concurrency, "1,8,32", "Closed-loop client threads, comma-separated.");
ABSL_FLAG(std::string, models, "mlp,conv,conv_wide",
          "Which models to run: mlp (784-256-256-10), conv (LeNet-sized CNN, 8 and 16 "
          "channels), conv_wide (16 and 32 channels).");
ABSL_FLAG(std::string, output_json, "", "Also write the results here as JSON.");

namespace aigc::bench {
namespace {

namespace fs = std::filesystem;
using runtime::BatcherOptions;
using runtime::DynamicBatcher;
using runtime::InferRequest;
using runtime::ModelManifest;
using runtime::Tensor;

struct ModelCase {
  std::string name;         // "mlp" or "conv"
  std::string description;  // for the table
  std::vector<int64_t> input_shape;
};

struct Row {
  std::string model;
  bool batched = false;
  int concurrency = 0;
  int64_t requests = 0;
  int64_t failures = 0;
  double seconds = 0;
  double throughput = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double mean_batch = 0;
  double overhead_p50_us = 0;
};

google::protobuf::Value Number(double value) {
  google::protobuf::Value v;
  v.set_number_value(value);
  return v;
}

google::protobuf::Value List(const std::vector<double>& values) {
  google::protobuf::Value v;
  for (double value : values) *v.mutable_list_value()->add_values() = Number(value);
  return v;
}

void AddSpec(google::protobuf::RepeatedPtrField<runtime::TensorSpec>* specs,
             const std::string& name, const std::vector<int64_t>& shape) {
  runtime::TensorSpec* spec = specs->Add();
  spec->set_name(name);
  spec->set_dtype(runtime::v1::DATA_TYPE_FLOAT32);
  for (int64_t dim : shape) spec->add_shape(dim);
}

// Publishes the two benchmark models (random weights: speed does not depend
// on what they learned) into `root`.
absl::Status PublishModels(const fs::path& root) {
  torch::manual_seed(1);
  ModelManifest mlp;
  mlp.set_name("mlp");
  mlp.set_architecture("mlp");
  (*mlp.mutable_config()->mutable_fields())["input_dim"] = Number(784);
  (*mlp.mutable_config()->mutable_fields())["hidden_dims"] = List({256, 256});
  (*mlp.mutable_config()->mutable_fields())["output_dim"] = Number(10);
  AddSpec(mlp.mutable_inputs(), "features", {784});
  AddSpec(mlp.mutable_outputs(), "logits", {10});
  mlp.set_created_by("build/bench/runtime_bench (random weights)");

  ModelManifest conv;
  conv.set_name("conv");
  conv.set_architecture("conv_classifier");
  auto& fields = *conv.mutable_config()->mutable_fields();
  fields["channels"] = Number(1);
  fields["height"] = Number(28);
  fields["width"] = Number(28);
  fields["conv_channels"] = List({8, 16});
  fields["num_classes"] = Number(10);
  AddSpec(conv.mutable_inputs(), "image", {1, 28, 28});
  AddSpec(conv.mutable_outputs(), "logits", {10});
  conv.set_created_by("build/bench/runtime_bench (random weights)");

  // The same architecture with twice the channels: four times the arithmetic
  // per image, so batching has less per-call overhead to amortise.
  ModelManifest conv_wide = conv;
  conv_wide.set_name("conv_wide");
  (*conv_wide.mutable_config()->mutable_fields())["conv_channels"] = List({16, 32});

  for (const ModelManifest& manifest : {mlp, conv, conv_wide}) {
    AIGC_ASSIGN_OR_RETURN(auto module,
                          runtime::BuildArchitecture(manifest.architecture(), manifest.config()));
    AIGC_RETURN_IF_ERROR(runtime::PublishTorchModule(root, manifest, *module).status());
  }
  return absl::OkStatus();
}

double Percentile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(q * values.size()));
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}

Row RunCase(const ModelCase& model, runtime::ModelRepository& repository,
            runtime::InferenceMetrics& metrics, const BatcherOptions& options, bool batched,
            int concurrency) {
  auto batcher = DynamicBatcher::Create(
      model.name, [&] { return repository.Get(model.name); }, options, &metrics);
  CHECK(batcher.ok()) << batcher.status();
  int64_t elements = 1;
  for (int64_t dim : model.input_shape) elements *= dim;

  const int64_t max_requests = absl::GetFlag(FLAGS_max_requests);
  std::atomic<int64_t> issued{0};
  absl::Mutex mu;
  std::vector<double> latencies_ms;
  std::vector<double> overheads_us;
  double batches = 0;
  int64_t failures = 0;
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::GetFlag(FLAGS_duration);
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back([&, c] {
      std::vector<float> values(elements);
      for (int64_t i = 0; i < elements; ++i) values[i] = static_cast<float>((i * 7 + c) % 255) / 255;
      std::vector<double> my_latencies;
      std::vector<double> my_overheads;
      double my_batches = 0;
      int64_t my_failures = 0;
      while (absl::Now() < stop && issued.fetch_add(1) < max_requests) {
        InferRequest request;
        request.inputs.push_back(Tensor::Float32(model.input_shape, values));
        // The callback's own timestamp separates the runtime's part (queue,
        // gather, scatter) from this thread's wake-up.
        absl::Notification answered;
        absl::StatusOr<runtime::InferResponse> response;
        absl::Time called_back;
        const absl::Time sent = absl::Now();
        (*batcher)->Submit(std::move(request), [&](absl::StatusOr<runtime::InferResponse> r) {
          called_back = absl::Now();
          response = std::move(r);
          answered.Notify();
        });
        answered.WaitForNotification();
        const absl::Duration latency = absl::Now() - sent;
        if (!response.ok()) {
          ++my_failures;
          continue;
        }
        my_latencies.push_back(absl::ToDoubleMilliseconds(latency));
        my_overheads.push_back(
            absl::ToDoubleMicroseconds(called_back - sent - response->compute_time));
        my_batches += 1.0 / response->batch_size;
      }
      absl::MutexLock lock(&mu);
      latencies_ms.insert(latencies_ms.end(), my_latencies.begin(), my_latencies.end());
      overheads_us.insert(overheads_us.end(), my_overheads.begin(), my_overheads.end());
      batches += my_batches;
      failures += my_failures;
    });
  }
  for (auto& client : clients) client.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  Row row;
  row.model = model.name;
  row.batched = batched;
  row.concurrency = concurrency;
  row.requests = static_cast<int64_t>(latencies_ms.size());
  row.failures = failures;
  row.seconds = seconds;
  row.throughput = row.requests / seconds;
  row.p50_ms = Percentile(latencies_ms, 0.50);
  row.p99_ms = Percentile(latencies_ms, 0.99);
  row.mean_batch = batches > 0 ? row.requests / batches : 0;
  row.overhead_p50_us = Percentile(overheads_us, 0.50);
  return row;
}

std::string ToJson(const std::vector<Row>& rows, const runtime::RuntimeOptions& options) {
  std::vector<std::string> items;
  for (const Row& r : rows) {
    items.push_back(absl::StrFormat(
        R"({"model":"%s","batching":%s,"concurrency":%d,"requests":%d,"failures":%d,)"
        R"("seconds":%.3f,"throughput_rps":%.1f,"p50_ms":%.4f,"p99_ms":%.4f,)"
        R"("mean_batch_size":%.2f,"overhead_p50_us":%.1f})",
        r.model, r.batched ? "true" : "false", r.concurrency, r.requests, r.failures, r.seconds,
        r.throughput, r.p50_ms, r.p99_ms, r.mean_batch, r.overhead_p50_us));
  }
  return absl::StrFormat(
      R"({"max_batch_size":%d,"max_queue_delay_us":%.0f,"intra_op_threads":%d,"rows":[%s]})",
      options.batcher.max_batch_size,
      absl::ToDoubleMicroseconds(options.batcher.max_queue_delay), runtime::IntraOpThreads(),
      absl::StrJoin(items, ","));
}

[[noreturn]] void Exit(const absl::Status& status) { cli::ExitWithReason(status.message()); }

int Main() {
  auto options = runtime::RuntimeOptionsFromFlags();
  if (!options.ok()) Exit(options.status());
  auto device = runtime::InitRuntime(*options);
  if (!device.ok()) Exit(device.status());

  std::vector<int> concurrencies;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 1 || value > 1024) {
      Exit(absl::InvalidArgumentError(
          absl::StrCat("--concurrency: \"", part, "\" is not a count in [1, 1024]")));
    }
    concurrencies.push_back(value);
  }
  std::vector<ModelCase> cases;
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_models), ',')) {
    if (name == "mlp") {
      cases.push_back({"mlp", "MLP 784-256-256-10", {784}});
    } else if (name == "conv") {
      cases.push_back({"conv", "CNN 1x28x28, conv 8-16, 10 classes", {1, 28, 28}});
    } else if (name == "conv_wide") {
      cases.push_back({"conv_wide", "CNN 1x28x28, conv 16-32, 10 classes", {1, 28, 28}});
    } else {
      Exit(absl::InvalidArgumentError(
          absl::StrCat("--models: unknown model \"", name, "\" (mlp, conv, conv_wide)")));
    }
  }

  // A private repository: the benchmark publishes its own models.
  const fs::path root = fs::temp_directory_path() / absl::StrCat("runtime_bench_", getpid());
  fs::remove_all(root);
  fs::create_directories(root);
  if (absl::Status published = PublishModels(root); !published.ok()) {
    Exit(published);
  }
  prometheus::Registry registry;
  runtime::InferenceMetrics metrics(registry);
  runtime::ModelRepositoryOptions repository_options;
  repository_options.root = root;
  repository_options.device = *device;
  auto repository = runtime::ModelRepository::Create(repository_options, &metrics);
  if (!repository.ok()) Exit(repository.status());
  for (const ModelCase& model : cases) {
    if (absl::Status added = (*repository)->AddModel(model.name); !added.ok()) {
      Exit(added);
    }
  }

  BatcherOptions unbatched;
  unbatched.max_batch_size = 1;
  unbatched.max_queue_delay = absl::ZeroDuration();
  unbatched.max_queue_size = options->batcher.max_queue_size;
  std::vector<Row> rows;
  for (const ModelCase& model : cases) {
    for (int concurrency : concurrencies) {
      for (bool batched : {false, true}) {
        Row row = RunCase(model, **repository, metrics, batched ? options->batcher : unbatched,
                          batched, concurrency);
        std::cerr << absl::StrFormat(
            "runtime_bench: %s batching=%s concurrency=%d: %.0f req/s, p50 %.3f ms, p99 %.3f "
            "ms, mean batch %.1f (%d requests, %d failed)\n",
            row.model, batched ? "on" : "off", concurrency, row.throughput, row.p50_ms,
            row.p99_ms, row.mean_batch, row.requests, row.failures);
        rows.push_back(row);
      }
    }
  }

  std::cout << absl::StrFormat(
      "max_batch_size=%d max_queue_delay=%s device=%s intra_op_threads=%d duration=%s per case\n",
      options->batcher.max_batch_size, absl::FormatDuration(options->batcher.max_queue_delay),
      runtime::DeviceName(*device), runtime::IntraOpThreads(),
      absl::FormatDuration(absl::GetFlag(FLAGS_duration)));
  for (const ModelCase& model : cases) std::cout << "- " << model.name << ": " << model.description << "\n";
  std::cout << "\n";
  std::cout << "| model | concurrency | batching | req/s | p50 ms | p99 ms | mean batch | "
               "overhead p50 µs | speed-up |\n|---|---|---|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const double speedup = r.batched ? r.throughput / rows[i - 1].throughput : 1.0;
    std::cout << absl::StrFormat("| %s | %d | %s | %.0f | %.3f | %.3f | %.1f | %.0f | %.2f× |\n",
                                 r.model, r.concurrency, r.batched ? "on" : "off", r.throughput,
                                 r.p50_ms, r.p99_ms, r.mean_batch, r.overhead_p50_us, speedup);
  }
  if (const std::string path = absl::GetFlag(FLAGS_output_json); !path.empty()) {
    std::ofstream(path) << ToJson(rows, *options) << "\n";
  }
  fs::remove_all(root);
  int64_t failures = 0;
  for (const Row& r : rows) failures += r.failures;
  if (failures > 0) {
    std::cerr << "runtime_bench: " << failures << " requests failed\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace aigc::bench

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "runtime_bench: throughput and latency of the inference runtime, "
                        "dynamic batching on vs off, at several concurrencies.");
  return aigc::bench::Main();
}
