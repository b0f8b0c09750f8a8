#include "services/recommender/core/archive.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

std::filesystem::path TempPath(const std::string& name) {
  return std::filesystem::path(::testing::TempDir()) / name;
}

Archive Sample() {
  Archive archive;
  archive.PutFloats("m", 2, 3, {1, 2, 3, 4, 5, 6});
  archive.PutInts("i", {7, -1, 9});
  archive.PutStrings("s", {"", "连衣裙", std::string("a\0b", 3)});
  archive.PutNumber("n", 0.25);
  archive.PutText("t", "ease");
  return archive;
}

TEST(ArchiveTest, RoundTripsEveryTypeThroughAFile) {
  const auto path = TempPath("archive_roundtrip.bin");
  ASSERT_TRUE(Sample().WriteFile(path).ok());
  auto read = Archive::ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  auto m = read->GetFloats("m");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->rows, 2);
  EXPECT_EQ(m->cols, 3);
  EXPECT_EQ(m->values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(*read->GetInts("i"), (std::vector<int32_t>{7, -1, 9}));
  EXPECT_EQ(*read->GetStrings("s"),
            (std::vector<std::string>{"", "连衣裙", std::string("a\0b", 3)}));
  EXPECT_EQ(*read->GetNumber("n"), 0.25);
  EXPECT_EQ(*read->GetText("t"), "ease");
  std::filesystem::remove(path);
}

TEST(ArchiveTest, MissingKeysAndWrongTypesAreReported) {
  const Archive archive = Sample();
  EXPECT_EQ(archive.GetInts("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(archive.GetInts("m").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(archive.GetText("n").status().code(), absl::StatusCode::kDataLoss);
}

TEST(ArchiveTest, EveryTruncationIsDataLoss) {
  const auto path = TempPath("archive_truncated.bin");
  ASSERT_TRUE(Sample().WriteFile(path).ok());
  const auto size = std::filesystem::file_size(path);
  std::string bytes(size, '\0');
  std::ifstream(path, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(size));
  for (size_t keep = 0; keep < size; ++keep) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(keep));
    EXPECT_EQ(Archive::ReadFile(path).status().code(), absl::StatusCode::kDataLoss) << keep;
  }
  std::filesystem::remove(path);
}

TEST(ArchiveTest, AMissingFileIsNotFound) {
  EXPECT_EQ(Archive::ReadFile(TempPath("no_such_archive.bin")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace aigc::recommender
