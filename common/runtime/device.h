// Process-wide LibTorch set-up, torch-free: which device models run on, how
// many threads LibTorch uses, and which BLAS library it got.
#ifndef AIGC_COMMON_RUNTIME_DEVICE_H_
#define AIGC_COMMON_RUNTIME_DEVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aigc::runtime {

enum class Device { kCpu, kCuda };

// What --device asks for: auto = CUDA when LibTorch sees a GPU, else CPU.
enum class DeviceChoice { kAuto, kCpu, kCuda };

// "auto", "cpu" or "cuda"; anything else is INVALID_ARGUMENT naming "device".
absl::StatusOr<DeviceChoice> ParseDeviceChoice(absl::string_view text);

// "cpu" or "cuda".
absl::string_view DeviceName(Device device);

// Whether this LibTorch build sees a usable CUDA device.
bool CudaAvailable();

// The device to use: FAILED_PRECONDITION when CUDA is asked for and not
// available.
absl::StatusOr<Device> ResolveDevice(DeviceChoice choice);

// Sets LibTorch's intra-op and inter-op thread counts (0 = LibTorch's default)
// once per process. The intra-op count also applies to OpenBLAS, which runs
// LibTorch's matrix products here and otherwise keeps its own thread pool. LibTorch cannot change the inter-op count after it is
// first used, so a later call with different values fails with
// FAILED_PRECONDITION; the same values are accepted again. Thread-safe.
absl::Status ConfigureThreads(int intra_op_threads, int inter_op_threads);

// The thread counts LibTorch uses now, and OpenBLAS's (0 when the BLAS is
// not OpenBLAS).
int IntraOpThreads();
int InterOpThreads();
int BlasThreads();

// Real path of the BLAS library LibTorch calls through libblas.so.3, e.g.
// ".../openblas-pthread/libblas.so.3"; empty when none is loaded.
std::string BlasLibraryPath();

// True when that path is the slow reference BLAS (Debian's blas/ alternative).
bool IsReferenceBlas(absl::string_view blas_path);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_DEVICE_H_
