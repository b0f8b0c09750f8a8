#include "common/runtime/runtime_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "glog/logging.h"

ABSL_FLAG(std::string, model_repository, "",
          "Model repository directory: <dir>/<model>/<version>/manifest.json + weights.");
ABSL_FLAG(std::string, device, "auto",
          "Device models run on: auto (CUDA when available, else CPU), cpu, or cuda.");
ABSL_FLAG(int, intra_op_threads, 0,
          "Threads inside one operator, for LibTorch and the OpenBLAS it calls; 0 = their "
          "defaults.");
ABSL_FLAG(int, inter_op_threads, 0,
          "LibTorch inter-op threads; 0 = LibTorch's default.");
ABSL_FLAG(absl::Duration, model_poll_interval, absl::Seconds(10),
          "How often to look for new model versions in --model_repository; 0 = only on an "
          "admin ReloadModel call.");
ABSL_FLAG(int, max_batch_size, 32,
          "Dynamic batching: most requests computed together; 1 turns batching off.");
ABSL_FLAG(absl::Duration, max_queue_delay, absl::ZeroDuration(),
          "Dynamic batching: how long the oldest queued request may wait for its batch to "
          "fill; 0 = start as soon as the model is free, batching what queued meanwhile.");
ABSL_FLAG(int, max_queue_size, 1024,
          "Dynamic batching: requests that may wait per model before new ones get "
          "RESOURCE_EXHAUSTED.");

namespace aigc::runtime {

absl::StatusOr<RuntimeOptions> RuntimeOptionsFromFlags() {
  RuntimeOptions options;
  options.model_repository = absl::GetFlag(FLAGS_model_repository);
  absl::StatusOr<DeviceChoice> device = ParseDeviceChoice(absl::GetFlag(FLAGS_device));
  if (!device.ok()) return status::InvalidField("--device", device.status().message());
  options.device = *device;
  options.intra_op_threads = absl::GetFlag(FLAGS_intra_op_threads);
  options.inter_op_threads = absl::GetFlag(FLAGS_inter_op_threads);
  if (options.intra_op_threads < 0 || options.intra_op_threads > 1024) {
    return status::InvalidField("--intra_op_threads", "must be in [0, 1024]");
  }
  if (options.inter_op_threads < 0 || options.inter_op_threads > 1024) {
    return status::InvalidField("--inter_op_threads", "must be in [0, 1024]");
  }
  options.model_poll_interval = absl::GetFlag(FLAGS_model_poll_interval);
  if (options.model_poll_interval < absl::ZeroDuration()) {
    return status::InvalidField("--model_poll_interval", "must be >= 0");
  }
  options.batcher.max_batch_size = absl::GetFlag(FLAGS_max_batch_size);
  options.batcher.max_queue_delay = absl::GetFlag(FLAGS_max_queue_delay);
  options.batcher.max_queue_size = absl::GetFlag(FLAGS_max_queue_size);
  if (absl::Status valid = ValidateBatcherOptions(options.batcher); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", valid.message()));
  }
  return options;
}

absl::StatusOr<Device> InitRuntime(const RuntimeOptions& options) {
  AIGC_ASSIGN_OR_RETURN(const Device device, ResolveDevice(options.device));
  AIGC_RETURN_IF_ERROR(ConfigureThreads(options.intra_op_threads, options.inter_op_threads));
  const std::string blas = BlasLibraryPath();
  LOG(INFO) << "inference runtime: device=" << DeviceName(device)
            << " cuda_available=" << (CudaAvailable() ? "yes" : "no")
            << " intra_op_threads=" << IntraOpThreads()
            << " inter_op_threads=" << InterOpThreads() << " blas_threads=" << BlasThreads()
            << " blas=" << (blas.empty() ? "none" : blas);
  if (IsReferenceBlas(blas)) {
    LOG(WARNING) << "LibTorch is using the reference BLAS (" << blas
                 << "), about 15x slower than OpenBLAS: install libopenblas0-pthread";
  }
  return device;
}

}  // namespace aigc::runtime
