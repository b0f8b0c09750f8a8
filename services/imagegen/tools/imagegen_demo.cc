// aigc-imagegen-demo: shows a running aigc-imagegen's uses: the categories it
// draws (ListCategories), a batch of labelled product images written as PNG
// files (Generate), one drawn as text in the terminal, the same seed giving
// the same pixels, images streamed as they are ready (GenerateStream), and a
// bad request refused with the field named.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/cli/cli.h"
#include "common/rpc/client_context.h"
#include "grpcpp/grpcpp.h"
#include "services/imagegen/eval/sample_grid.h"
#include "services/imagegen/png/png_codec.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50053", "host:port of aigc-imagegen.");
ABSL_FLAG(std::string, out_dir, "data/imagegen/demo", "Where the generated PNG files go.");
ABSL_FLAG(uint64_t, seed, 2026, "Seed of the first image (image i uses seed + i).");

namespace aigc::imagegen {
namespace {

namespace common = aigc::common::v1;

// Deadline of each call to the service.
constexpr absl::Duration kCallTimeout = absl::Seconds(60);

v1::GenerateRequest Request(common::Category category, int count, v1::Size size) {
  v1::GenerateRequest request;
  request.set_category(category);
  request.set_count(count);
  request.set_seed(absl::GetFlag(FLAGS_seed));
  request.set_size(size);
  return request;
}

v1::GenerateResponse Generate(v1::ImageGenService::Stub& stub, const v1::GenerateRequest& request) {
  v1::GenerateResponse response;
  const grpc::Status status =
      stub.Generate(rpc::ContextWithTimeout(kCallTimeout).get(), request, &response);
  if (!status.ok()) cli::ExitWithReason(absl::StrCat("Generate: ", status.error_message()));
  return response;
}

DecodedPng Decode(const v1::GeneratedImage& image) {
  return cli::ValueOrExit(DecodePng(image.data()));
}

void ListCategories(v1::ImageGenService::Stub& stub) {
  v1::ListCategoriesResponse response;
  const grpc::Status status =
      stub.ListCategories(rpc::ContextWithTimeout(kCallTimeout).get(), {}, &response);
  if (!status.ok()) cli::ExitWithReason(absl::StrCat("ListCategories: ", status.error_message()));
  std::printf("categories (model %s v%s, up to %d images per request):\n",
              response.model().name().c_str(), response.model().version().c_str(),
              response.max_count());
  for (const v1::CategoryInfo& info : response.categories()) {
    std::printf("  %d  %-12s %s\n", info.fashion_mnist_label(), info.name_en().c_str(),
                info.name_zh().c_str());
  }
}

void WriteImages(const v1::GenerateResponse& response, const std::string& stem) {
  const std::filesystem::path dir = absl::GetFlag(FLAGS_out_dir);
  for (const v1::GeneratedImage& image : response.images()) {
    const std::filesystem::path path = dir / absl::StrCat(stem, "_", image.index(), ".png");
    if (absl::Status written = WriteFile(path, image.data()); !written.ok()) {
      cli::ExitWithReason(written.ToString());
    }
    std::map<std::string, std::string> texts;
    for (const PngText& text : Decode(image).texts) texts[text.keyword] = text.text;
    std::printf("  %s  %dx%d, %zu bytes, seed %llu, redrawn %d time(s)%s; PNG label: %s by %s\n",
                path.string().c_str(), image.width(), image.height(), image.data().size(),
                static_cast<unsigned long long>(image.seed()), image.regenerated_count(),
                image.near_duplicate() ? ", STILL A NEAR-DUPLICATE" : "", texts["AIGC"].c_str(),
                texts["Model"].c_str());
  }
}

// The image as text, two characters per pixel, darker = more ink.
void PrintAscii(const PixelImage& image) {
  static constexpr char kShades[] = " .:-=+*#%@";
  for (int y = 0; y < image.height; ++y) {
    std::string line = "    ";
    for (int x = 0; x < image.width; ++x) {
      const char shade = kShades[image.pixels[y * image.width + x] * 9 / 255];
      line.append(2, shade);
    }
    std::printf("%s\n", line.c_str());
  }
}

void Stream(v1::ImageGenService::Stub& stub) {
  v1::GenerateStreamRequest request;
  request.set_category(common::CATEGORY_BAG);
  request.set_count(8);
  request.set_size(v1::SIZE_56);
  auto context = rpc::ContextWithTimeout(kCallTimeout);
  const absl::Time start = absl::Now();
  auto reader = stub.GenerateStream(context.get(), request);
  v1::GenerateStreamResponse message;
  while (reader->Read(&message)) {
    std::printf("  +%5.1f ms  image %d of %d (seed %llu, %zu bytes)\n",
                absl::ToDoubleMilliseconds(absl::Now() - start), message.image().index() + 1,
                message.total_count(), static_cast<unsigned long long>(message.image().seed()),
                message.image().data().size());
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) cli::ExitWithReason(absl::StrCat("GenerateStream: ", status.error_message()));
}

int Main() {
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto stub = v1::ImageGenService::NewStub(channel);
  ListCategories(*stub);

  std::printf("\nfour dresses at 112 x 112 (Generate), written as labelled PNG files:\n");
  const v1::GenerateResponse dresses =
      Generate(*stub, Request(common::CATEGORY_DRESS, 4, v1::SIZE_112));
  WriteImages(dresses, "dress");

  std::printf("\na sneaker at the model's own 28 x 28, as text:\n");
  const v1::GenerateRequest sneaker = Request(common::CATEGORY_SNEAKER, 1, v1::SIZE_28);
  const DecodedPng first = Decode(Generate(*stub, sneaker).images(0));
  PrintAscii(first.image);
  const DecodedPng again = Decode(Generate(*stub, sneaker).images(0));
  std::printf("  the same request again: %s\n", again.image.pixels == first.image.pixels
                                                    ? "the same pixels (same seed, same image)"
                                                    : "DIFFERENT pixels");

  std::printf("\neight bags streamed as they are ready (GenerateStream, random seeds):\n");
  Stream(*stub);

  std::printf("\na request for 17 images (the limit is 16):\n");
  v1::GenerateResponse refused;
  const grpc::Status status =
      stub->Generate(rpc::ContextWithTimeout(kCallTimeout).get(),
                     Request(common::CATEGORY_COAT, 17, v1::SIZE_28), &refused);
  std::printf("  %s: %s\n", status.ok() ? "OK?!" : "INVALID_ARGUMENT",
              status.error_message().c_str());
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 0 : 1;
}

}  // namespace
}  // namespace aigc::imagegen

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Demonstrates a running aigc-imagegen: categories, labelled PNGs, "
                        "reproducible seeds, streaming and input checks.\n"
                        "Usage: aigc-imagegen-demo [--target=127.0.0.1:50053] "
                        "[--out_dir=data/imagegen/demo] [--seed=2026]");
  return aigc::imagegen::Main();
}
