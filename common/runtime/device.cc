#include "common/runtime/device.h"

#include <dlfcn.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>

#include "ATen/Parallel.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status/status.h"
#include "torch/cuda.h"

namespace aigc::runtime {

absl::StatusOr<DeviceChoice> ParseDeviceChoice(absl::string_view text) {
  if (text == "auto") return DeviceChoice::kAuto;
  if (text == "cpu") return DeviceChoice::kCpu;
  if (text == "cuda") return DeviceChoice::kCuda;
  return status::InvalidField("device",
                              absl::StrCat("must be auto, cpu or cuda, got \"", text, "\""));
}

absl::string_view DeviceName(Device device) { return device == Device::kCuda ? "cuda" : "cpu"; }

bool CudaAvailable() { return torch::cuda::is_available(); }

absl::StatusOr<Device> ResolveDevice(DeviceChoice choice) {
  switch (choice) {
    case DeviceChoice::kCpu:
      return Device::kCpu;
    case DeviceChoice::kAuto:
      return CudaAvailable() ? Device::kCuda : Device::kCpu;
    case DeviceChoice::kCuda:
      if (!CudaAvailable()) {
        return absl::FailedPreconditionError(
            "--device=cuda but LibTorch sees no CUDA device (CPU-only build or no GPU); use "
            "--device=auto or --device=cpu");
      }
      return Device::kCuda;
  }
  return Device::kCpu;
}

absl::Status ConfigureThreads(int intra_op_threads, int inter_op_threads) {
  static absl::Mutex mu;
  static bool configured ABSL_GUARDED_BY(mu) = false;
  static int configured_intra ABSL_GUARDED_BY(mu) = 0;
  static int configured_inter ABSL_GUARDED_BY(mu) = 0;
  absl::MutexLock lock(&mu);
  if (configured) {
    if (intra_op_threads == configured_intra && inter_op_threads == configured_inter) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "LibTorch threads are already set (intra_op=", configured_intra, ", inter_op=",
        configured_inter, ") for this process"));
  }
  try {
    if (inter_op_threads > 0) at::set_num_interop_threads(inter_op_threads);
    if (intra_op_threads > 0) {
      at::set_num_threads(intra_op_threads);
      // Looked up at run time: the BLAS behind libblas.so.3 may not be OpenBLAS.
      using SetThreads = void (*)(int);
      if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        set(intra_op_threads);
      }
    }
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat("cannot set LibTorch threads: ", e.what()));
  }
  configured = true;
  configured_intra = intra_op_threads;
  configured_inter = inter_op_threads;
  return absl::OkStatus();
}

int IntraOpThreads() { return at::get_num_threads(); }

int InterOpThreads() { return at::get_num_interop_threads(); }

int BlasThreads() {
  using GetThreads = int (*)();
  auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get != nullptr ? get() : 0;
}

std::string BlasLibraryPath() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        const absl::string_view name = info->dlpi_name == nullptr ? "" : info->dlpi_name;
        if (absl::StrContains(name, "/libblas.so")) {
          *static_cast<std::string*>(out) = std::string(name);
          return 1;
        }
        return 0;
      },
      &found);
  if (found.empty()) return found;
  char resolved[PATH_MAX];
  return realpath(found.c_str(), resolved) != nullptr ? std::string(resolved) : found;
}

bool IsReferenceBlas(absl::string_view blas_path) {
  return absl::StrContains(blas_path, "/blas/libblas.so");
}

}  // namespace aigc::runtime
