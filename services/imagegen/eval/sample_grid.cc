#include "services/imagegen/eval/sample_grid.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/imagegen/data/fashion_mnist.h"

namespace aigc::imagegen {

absl::StatusOr<PixelImage> SampleGrid(std::span<const uint8_t> pixels, int rows, int cols) {
  if (rows < 1) return status::InvalidField("rows", absl::StrCat("must be >= 1, got ", rows));
  if (cols < 1) return status::InvalidField("cols", absl::StrCat("must be >= 1, got ", cols));
  const size_t images = static_cast<size_t>(rows) * cols;
  if (pixels.size() != images * kImagePixels) {
    return status::InvalidField(
        "pixels", absl::StrCat("must hold ", rows, " x ", cols, " images of ", kImagePixels,
                               " bytes, got ", pixels.size(), " bytes"));
  }
  PixelImage grid{
      .width = cols * kImageSide, .height = rows * kImageSide, .channels = 1, .pixels = {}};
  grid.pixels.resize(static_cast<size_t>(grid.width) * grid.height);
  for (size_t i = 0; i < images; ++i) {
    const size_t top = i / cols * kImageSide;
    const size_t left = i % cols * kImageSide;
    for (int y = 0; y < kImageSide; ++y) {
      const auto row = pixels.begin() + i * kImagePixels + y * kImageSide;
      std::copy(row, row + kImageSide, grid.pixels.begin() + (top + y) * grid.width + left);
    }
  }
  return grid;
}

absl::Status WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
  }
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return absl::InternalError(absl::StrCat(path.string(), ": cannot write"));
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    return absl::InternalError(absl::StrCat(path.string(), ": short write"));
  }
  return absl::OkStatus();
}

}  // namespace aigc::imagegen
