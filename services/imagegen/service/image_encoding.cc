#include "services/imagegen/service/image_encoding.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/rpc/request_context.h"
#include "common/status/status.h"
#include "services/imagegen/image/upscale.h"
#include "services/imagegen/png/png_codec.h"

namespace aigc::imagegen {

absl::StatusOr<v1::GeneratedImage> EncodeImage(const DrawnImage& image, const ImageSpec& spec,
                                               const common::v1::ModelRef& model) {
  const absl::Time now = absl::Now();
  common::v1::AigcLabel label;
  label.set_ai_generated(true);
  label.set_label_text("AI-generated");
  label.set_generator(v1::ImageGenService::service_full_name());
  *label.mutable_model() = model;
  label.set_content_id(rpc::GenerateRequestId());
  label.mutable_created_time()->set_seconds(absl::ToUnixSeconds(now));
  label.set_embedded_in_content(true);

  const std::vector<PngText> texts = {
      {kPngLabelKeyword, label.label_text()},
      {kPngGeneratorKeyword, label.generator()},
      {kPngModelKeyword, absl::StrCat(model.name(), "/", model.version())},
      {kPngSeedKeyword, absl::StrCat(image.seed)},
      {kPngCategoryKeyword, common::v1::Category_Name(spec.category)},
      {kPngTruncationKeyword, absl::StrCat(spec.truncation)},
      {kPngContentIdKeyword, label.content_id()},
      {kPngCreationTimeKeyword, absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone())},
  };
  const PixelImage drawn{kImageSide, kImageSide, 1, image.pixels};
  AIGC_ASSIGN_OR_RETURN(const PixelImage sized, Upscale(drawn, spec.side / kImageSide));
  absl::StatusOr<std::string> png = EncodePng(sized, texts);
  if (!png.ok())
    return absl::InternalError(absl::StrCat("cannot encode PNG: ", png.status().message()));

  v1::GeneratedImage message;
  message.set_data(*std::move(png));
  message.set_format(v1::IMAGE_FORMAT_PNG);
  message.set_width(sized.width);
  message.set_height(sized.height);
  message.set_seed(image.seed);
  message.set_category(spec.category);
  *message.mutable_model() = model;
  *message.mutable_aigc_label() = std::move(label);
  message.set_near_duplicate(image.near_duplicate);
  message.set_regenerated_count(image.regenerated_count);
  message.set_index(image.index);
  message.set_truncation(spec.truncation);
  return message;
}

}  // namespace aigc::imagegen
