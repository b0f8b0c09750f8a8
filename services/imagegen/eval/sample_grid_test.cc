#include "services/imagegen/eval/sample_grid.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/imagegen/data/fashion_mnist.h"

namespace aigc::imagegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Pixel (y, x) of image i.
uint8_t Value(int i, int y, int x) { return static_cast<uint8_t>(i * 40 + y * 3 + x); }

TEST(SampleGridTest, TilesImagesRowAfterRow) {
  const int rows = 2, cols = 3;
  std::vector<uint8_t> pixels;
  for (int i = 0; i < rows * cols; ++i) {
    for (int y = 0; y < kImageSide; ++y) {
      for (int x = 0; x < kImageSide; ++x) pixels.push_back(Value(i, y, x));
    }
  }
  auto grid = SampleGrid(pixels, rows, cols);
  ASSERT_TRUE(grid.ok()) << grid.status();
  EXPECT_EQ(grid->width, 3 * kImageSide);
  EXPECT_EQ(grid->height, 2 * kImageSide);
  EXPECT_EQ(grid->channels, 1);
  ASSERT_EQ(grid->pixels.size(), static_cast<size_t>(grid->width) * grid->height);
  for (int i = 0; i < rows * cols; ++i) {
    for (int y = 0; y < kImageSide; ++y) {
      for (int x = 0; x < kImageSide; ++x) {
        const int gy = i / cols * kImageSide + y, gx = i % cols * kImageSide + x;
        ASSERT_EQ(grid->pixels[gy * grid->width + gx], Value(i, y, x))
            << "image " << i << " y " << y << " x " << x;
      }
    }
  }
}

TEST(SampleGridTest, RejectsACountThatIsNotRowsTimesColumns) {
  const std::vector<uint8_t> pixels(5 * kImagePixels);
  EXPECT_THAT(SampleGrid(pixels, 2, 3).status().message(), HasSubstr("pixels:"));
  EXPECT_THAT(SampleGrid(pixels, 0, 5).status().message(), HasSubstr("rows:"));
  EXPECT_THAT(SampleGrid(pixels, 5, 0).status().message(), HasSubstr("cols:"));
  EXPECT_EQ(SampleGrid(pixels, 0, 5).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WriteFileTest, CreatesTheDirectoryAndReplacesTheFile) {
  const fs::path dir = fs::path(::testing::TempDir()) / "sample_grid_test";
  fs::remove_all(dir);
  const fs::path path = dir / "nested" / "grid.png";
  ASSERT_TRUE(WriteFile(path, "first version").ok());
  ASSERT_TRUE(WriteFile(path, std::string("a\0b", 3)).ok());
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), std::string("a\0b", 3));
  fs::remove_all(dir);
}

TEST(WriteFileTest, NamesThePathItCannotWrite) {
  // A directory cannot be opened as a file.
  const fs::path path = fs::path(::testing::TempDir()) / "sample_grid_test_dir";
  fs::create_directories(path);
  const absl::Status written = WriteFile(path, "x");
  EXPECT_EQ(written.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(written.message(), HasSubstr("sample_grid_test_dir: cannot write"));
  fs::remove_all(path);
}

}  // namespace
}  // namespace aigc::imagegen
