// A drawn image as the API returns it: upscaled to the requested size, PNG
// encoded with the AI-generated-content label in its tEXt chunks, and the
// same label in the message.
#ifndef AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGE_ENCODING_H_
#define AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGE_ENCODING_H_

#include "absl/status/statusor.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/imagegen/v1/imagegen.pb.h"
#include "services/imagegen/service/generate_request.h"
#include "services/imagegen/service/image_pipeline.h"

namespace aigc::imagegen {

// tEXt keywords of the label every PNG carries.
inline constexpr char kPngLabelKeyword[] = "AIGC";           // "AI-generated"
inline constexpr char kPngGeneratorKeyword[] = "Generator";  // the service's full name
inline constexpr char kPngModelKeyword[] = "Model";          // "<name>/<version>"
inline constexpr char kPngSeedKeyword[] = "Seed";            // decimal
inline constexpr char kPngCategoryKeyword[] = "Category";    // enum name
inline constexpr char kPngTruncationKeyword[] = "Truncation";
inline constexpr char kPngContentIdKeyword[] = "Content-ID";        // = AigcLabel.content_id
inline constexpr char kPngCreationTimeKeyword[] = "Creation Time";  // RFC 3339, UTC

// The message for `image` of a request resolved as `spec`, drawn by `model`.
// INTERNAL if the image cannot be encoded (it always can).
absl::StatusOr<v1::GeneratedImage> EncodeImage(const DrawnImage& image, const ImageSpec& spec,
                                               const common::v1::ModelRef& model);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGE_ENCODING_H_
