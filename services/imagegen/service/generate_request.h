// What a Generate or GenerateStream request asks for, checked and with its
// defaults filled in (protos/aigc/imagegen/v1/imagegen.proto).
#ifndef AIGC_SERVICES_IMAGEGEN_SERVICE_GENERATE_REQUEST_H_
#define AIGC_SERVICES_IMAGEGEN_SERVICE_GENERATE_REQUEST_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/imagegen/v1/imagegen.pb.h"

namespace aigc::imagegen {

// The documented per-request limit of `count`.
inline constexpr int kMaxImagesPerRequest = 16;
// Truncation when the request sets none.
inline constexpr float kDefaultTruncation = 2.0f;

struct ImageSpec {
  common::v1::Category category = common::v1::CATEGORY_UNSPECIFIED;
  int label = 0;  // Fashion-MNIST label = category - 1
  int count = 1;
  uint64_t seed = 0;  // image i is first drawn from seed + i
  float truncation = kDefaultTruncation;
  v1::Size size = v1::SIZE_28;
  int side = 28;  // output pixels per side
};

// Checks `request` and fills in defaults; `random_seed` is the seed when the
// request sets none. INVALID_ARGUMENT naming the field: "category", "count",
// "truncation", "size", "format".
absl::StatusOr<ImageSpec> ResolveImageSpec(const v1::GenerateRequest& request,
                                           uint64_t random_seed);
// The same for the stream's (wire-compatible) request.
absl::StatusOr<ImageSpec> ResolveImageSpec(const v1::GenerateStreamRequest& request,
                                           uint64_t random_seed);

// The seed of the attempt-th regeneration (attempt >= 1) of an image first
// drawn from `seed`: fixed, so a request gives the same images every time,
// and far from the seeds seed + i of the request's other images.
uint64_t RegenerationSeed(uint64_t seed, int attempt);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_SERVICE_GENERATE_REQUEST_H_
