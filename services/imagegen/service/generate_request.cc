#include "services/imagegen/service/generate_request.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/random/random.h"
#include "common/status/status.h"
#include "services/imagegen/gan/generator_model.h"

namespace aigc::imagegen {
namespace {

template <typename Request>
absl::StatusOr<ImageSpec> Resolve(const Request& request, uint64_t random_seed) {
  ImageSpec spec;
  const int category = request.category();
  if (category == common::v1::CATEGORY_UNSPECIFIED || !common::v1::Category_IsValid(category)) {
    return status::InvalidField(
        "category",
        absl::StrCat("must be one of the ten Fashion-MNIST categories, got ", category));
  }
  spec.category = request.category();
  spec.label = category - 1;
  if (request.count() < 1 || request.count() > kMaxImagesPerRequest) {
    return status::InvalidField(
        "count", absl::StrCat("must be in 1..", kMaxImagesPerRequest, ", got ", request.count()));
  }
  spec.count = request.count();
  spec.seed = request.has_seed() ? request.seed() : random_seed;
  if (request.has_truncation()) {
    const float truncation = request.truncation();
    if (!(truncation > 0 && truncation <= kMaxTruncation)) {
      return status::InvalidField("truncation",
                                  absl::StrCat("must be in (0, 4], got ", truncation));
    }
    spec.truncation = truncation;
  }
  switch (request.size()) {
    case v1::SIZE_UNSPECIFIED:
    case v1::SIZE_28:
      spec.size = v1::SIZE_28;
      spec.side = 28;
      break;
    case v1::SIZE_56:
      spec.size = v1::SIZE_56;
      spec.side = 56;
      break;
    case v1::SIZE_112:
      spec.size = v1::SIZE_112;
      spec.side = 112;
      break;
    default:
      return status::InvalidField(
          "size", absl::StrCat("must be SIZE_28, SIZE_56 or SIZE_112, got ", request.size()));
  }
  if (request.format() != v1::IMAGE_FORMAT_UNSPECIFIED &&
      request.format() != v1::IMAGE_FORMAT_PNG) {
    return status::InvalidField("format",
                                absl::StrCat("must be IMAGE_FORMAT_PNG, got ", request.format()));
  }
  return spec;
}

}  // namespace

absl::StatusOr<ImageSpec> ResolveImageSpec(const v1::GenerateRequest& request,
                                           uint64_t random_seed) {
  return Resolve(request, random_seed);
}

absl::StatusOr<ImageSpec> ResolveImageSpec(const v1::GenerateStreamRequest& request,
                                           uint64_t random_seed) {
  return Resolve(request, random_seed);
}

uint64_t RegenerationSeed(uint64_t seed, int attempt) {
  return random::Mix64(seed ^ random::Mix64(static_cast<uint64_t>(attempt)));
}

}  // namespace aigc::imagegen
