// Sample grids of generated images (one PNG for a page of docs or a training
// epoch), and writing such a file.
#ifndef AIGC_SERVICES_IMAGEGEN_EVAL_SAMPLE_GRID_H_
#define AIGC_SERVICES_IMAGEGEN_EVAL_SAMPLE_GRID_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/imagegen/png/png_codec.h"

namespace aigc::imagegen {

// The rows x cols images of `pixels` (kImagePixels bytes each, back to back)
// tiled into one grey image, row after row: image i at row i / cols, column
// i % cols. INVALID_ARGUMENT "rows" / "cols" (< 1) or "pixels" (not
// rows x cols images).
absl::StatusOr<PixelImage> SampleGrid(std::span<const uint8_t> pixels, int rows, int cols);

// Writes `bytes` to `path`, replacing the file, creating its directory when
// missing. INTERNAL naming the path when it cannot be written.
absl::Status WriteFile(const std::filesystem::path& path, std::string_view bytes);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_EVAL_SAMPLE_GRID_H_
