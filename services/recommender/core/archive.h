// Archive: the on-disk format of a recommender model version's weights file.
//
// A file is the magic line "AIGC-REC-ARCHIVE 1\n", then a little-endian u32
// entry count, then per entry: u32 key length, key bytes, u8 type, u64 rows,
// u64 cols, u64 payload bytes, payload. Float and int payloads are row-major
// little-endian; strings are (u32 length, bytes) each. The runtime's manifest
// carries the file's SHA-256, so the format itself has no checksum.
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_ARCHIVE_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_ARCHIVE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aigc::recommender {

// A row-major float matrix read from an archive.
struct FloatMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> values;  // rows * cols, row-major
};

// Named arrays in memory, written to and read from one file. Keys are unique;
// putting a key again replaces it. Not thread-safe to mutate.
class Archive {
 public:
  void PutFloats(absl::string_view key, int64_t rows, int64_t cols, std::vector<float> values);
  void PutInts(absl::string_view key, std::vector<int32_t> values);
  void PutStrings(absl::string_view key, std::vector<std::string> values);
  void PutNumber(absl::string_view key, double value);
  void PutText(absl::string_view key, absl::string_view value);

  // Each getter fails with NOT_FOUND when `key` is absent and DATA_LOSS when
  // it holds another type or a size that contradicts its shape.
  absl::StatusOr<FloatMatrix> GetFloats(absl::string_view key) const;
  absl::StatusOr<std::vector<int32_t>> GetInts(absl::string_view key) const;
  absl::StatusOr<std::vector<std::string>> GetStrings(absl::string_view key) const;
  absl::StatusOr<double> GetNumber(absl::string_view key) const;
  absl::StatusOr<std::string> GetText(absl::string_view key) const;

  // Writes the archive to `path` (replacing it). Fails with INTERNAL on I/O
  // errors, naming the path.
  absl::Status WriteFile(const std::filesystem::path& path) const;
  // Reads a file written by WriteFile. DATA_LOSS (naming the path and the
  // offset) for a truncated or malformed file, NOT_FOUND when it is missing.
  static absl::StatusOr<Archive> ReadFile(const std::filesystem::path& path);

 private:
  enum class Type : uint8_t { kFloats = 1, kInts = 2, kStrings = 3, kNumber = 4, kText = 5 };
  struct Entry {
    Type type;
    int64_t rows = 0;
    int64_t cols = 0;
    std::string payload;
  };
  absl::StatusOr<const Entry*> Find(absl::string_view key, Type type) const;

  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_ARCHIVE_H_
