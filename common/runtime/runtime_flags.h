// The inference runtime's command-line flags, shared by every binary that
// serves models:
//
//   --model_repository       directory with <model>/<version>/ (required by services that serve models)
//   --device                 auto|cpu|cuda (default auto: CUDA when available)
//   --intra_op_threads       LibTorch and OpenBLAS intra-op threads (default 0 = their defaults)
//   --inter_op_threads       LibTorch inter-op threads (default 0 = LibTorch default)
//   --model_poll_interval    how often to look for new versions (default 10s; 0 = off)
//   --max_batch_size         dynamic batching: most requests per batch (default 32; 1 = off)
//   --max_queue_delay        dynamic batching: longest wait for a batch to fill (default 0)
//   --max_queue_size         dynamic batching: queued requests before RESOURCE_EXHAUSTED (default 1024)
#ifndef AIGC_COMMON_RUNTIME_RUNTIME_FLAGS_H_
#define AIGC_COMMON_RUNTIME_RUNTIME_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/runtime/batcher.h"
#include "common/runtime/device.h"

namespace aigc::runtime {

struct RuntimeOptions {
  std::string model_repository;
  DeviceChoice device = DeviceChoice::kAuto;
  int intra_op_threads = 0;
  int inter_op_threads = 0;
  absl::Duration model_poll_interval = absl::Seconds(10);
  BatcherOptions batcher;
};

// Reads and checks the flags; INVALID_ARGUMENT naming the flag.
absl::StatusOr<RuntimeOptions> RuntimeOptionsFromFlags();

// Resolves the device, sets LibTorch's threads and logs one line saying what
// the process got (device, threads, BLAS library), warning when the BLAS is
// the slow reference one. Call once at start-up, before loading models.
absl::StatusOr<Device> InitRuntime(const RuntimeOptions& options);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_RUNTIME_FLAGS_H_
