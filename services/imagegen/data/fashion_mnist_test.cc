#include "services/imagegen/data/fashion_mnist.h"

#include <zlib.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void BigEndian(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

void WriteGz(const fs::path& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(file);
}

std::string ImageFile(uint32_t count, uint32_t side = kImageSide, uint32_t magic = 0x803) {
  std::string bytes;
  BigEndian(bytes, magic);
  BigEndian(bytes, count);
  BigEndian(bytes, side);
  BigEndian(bytes, side);
  for (uint32_t i = 0; i < count * side * side; ++i) bytes.push_back(static_cast<char>(i % 251));
  return bytes;
}

std::string LabelFile(const std::vector<uint8_t>& labels) {
  std::string bytes;
  BigEndian(bytes, 0x801);
  BigEndian(bytes, static_cast<uint32_t>(labels.size()));
  bytes.append(labels.begin(), labels.end());
  return bytes;
}

class FashionMnistFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("fmnist_" + std::string(
                            ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& images, const std::string& labels) {
    WriteGz(dir_ / "t10k-images-idx3-ubyte.gz", images);
    WriteGz(dir_ / "t10k-labels-idx1-ubyte.gz", labels);
  }

  fs::path dir_;
};

TEST_F(FashionMnistFilesTest, ReadsImagesAndLabels) {
  Write(ImageFile(2), LabelFile({3, 9}));
  auto data = LoadFashionMnist(dir_, Split::kTest);
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->count(), 2);
  EXPECT_EQ(data->labels, (std::vector<uint8_t>{3, 9}));
  EXPECT_EQ(data->Image(1).size(), static_cast<size_t>(kImagePixels));
  EXPECT_EQ(data->Image(1)[0], kImagePixels % 251);
}

TEST_F(FashionMnistFilesTest, MissingFilesAreNotFound) {
  auto data = LoadFashionMnist(dir_, Split::kTrain);
  EXPECT_EQ(data.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(data.status().message(), HasSubstr("train-images-idx3-ubyte.gz"));
}

TEST_F(FashionMnistFilesTest, MalformedFilesAreDataLoss) {
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases = {
      {"magic number", {ImageFile(2, kImageSide, 0x802), LabelFile({1, 2})}},
      {"not 28 x 28", {ImageFile(2, 27), LabelFile({1, 2})}},
      {"truncated", {ImageFile(2).substr(0, 100), LabelFile({1, 2})}},
      {"outside [0, 10)", {ImageFile(2), LabelFile({1, 10})}},
      {"2 labels for 3 images", {ImageFile(3), LabelFile({1, 2})}},
      {"after the last record", {ImageFile(2) + "x", LabelFile({1, 2})}},
  };
  for (const auto& [problem, files] : cases) {
    Write(files.first, files.second);
    auto data = LoadFashionMnist(dir_, Split::kTest);
    EXPECT_EQ(data.status().code(), absl::StatusCode::kDataLoss) << problem;
    EXPECT_THAT(data.status().message(), HasSubstr(problem));
  }
}

// The real test split, as the Debian package ships it (bootstrap.sh installs
// it): 10,000 images, 1,000 of each class.
TEST(FashionMnistTest, TheInstalledTestSplitHasAThousandImagesPerClass) {
  auto data = LoadFashionMnist(kFashionMnistDir, Split::kTest);
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->count(), 10000);
  std::array<int, kClasses> per_class{};
  for (const uint8_t label : data->labels) ++per_class[label];
  for (const int count : per_class) EXPECT_EQ(count, 1000);
}

}  // namespace
}  // namespace aigc::imagegen
