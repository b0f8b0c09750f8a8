#include "services/imagegen/data/fashion_mnist.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace aigc::imagegen {
namespace {

constexpr uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// An open .gz file and its name for errors.
class IdxReader {
 public:
  static absl::StatusOr<IdxReader> Open(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) {
      return absl::NotFoundError(absl::StrCat(path.string(), ": no such file (install the "
                                              "dataset-fashion-mnist package)"));
    }
    GzFile file(gzopen(path.c_str(), "rb"));
    if (file == nullptr) return absl::NotFoundError(absl::StrCat(path.string(), ": cannot open"));
    return IdxReader(path.string(), std::move(file));
  }

  // Reads exactly size bytes; DATA_LOSS when the file ends first or is not
  // valid gzip.
  absl::Status Read(void* out, size_t size) {
    size_t done = 0;
    while (done < size) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(size - done, 1u << 30));
      const int got = gzread(file_.get(), static_cast<char*>(out) + done, chunk);
      if (got <= 0) return Loss("truncated or not gzip-compressed");
      done += static_cast<size_t>(got);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> ReadBigEndian() {
    std::array<unsigned char, 4> bytes;
    if (absl::Status read = Read(bytes.data(), bytes.size()); !read.ok()) return read;
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
           uint32_t{bytes[3]};
  }

  // The file holds nothing after what was read.
  absl::Status ExpectEnd() {
    char extra;
    if (gzread(file_.get(), &extra, 1) != 0) return Loss("has data after the last record");
    return absl::OkStatus();
  }

  absl::Status Loss(absl::string_view problem) const {
    return absl::DataLossError(absl::StrCat(name_, ": ", problem));
  }

 private:
  IdxReader(std::string name, GzFile file) : name_(std::move(name)), file_(std::move(file)) {}

  std::string name_;
  GzFile file_;
};

absl::StatusOr<std::vector<uint8_t>> ReadLabels(const std::filesystem::path& path) {
  absl::StatusOr<IdxReader> reader = IdxReader::Open(path);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<uint32_t> magic = reader->ReadBigEndian();
  if (!magic.ok()) return magic.status();
  if (*magic != kLabelsMagic) {
    return reader->Loss(absl::StrCat("magic number ", *magic, ", not an IDX label file"));
  }
  absl::StatusOr<uint32_t> count = reader->ReadBigEndian();
  if (!count.ok()) return count.status();
  std::vector<uint8_t> labels(*count);
  if (absl::Status read = reader->Read(labels.data(), labels.size()); !read.ok()) return read;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= kClasses) {
      return reader->Loss(absl::StrCat("label ", i, " is ", labels[i], ", outside [0, 10)"));
    }
  }
  if (absl::Status end = reader->ExpectEnd(); !end.ok()) return end;
  return labels;
}

absl::StatusOr<std::vector<uint8_t>> ReadImages(const std::filesystem::path& path,
                                                uint32_t* count) {
  absl::StatusOr<IdxReader> reader = IdxReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::array<uint32_t, 4> header;
  for (uint32_t& field : header) {
    absl::StatusOr<uint32_t> value = reader->ReadBigEndian();
    if (!value.ok()) return value.status();
    field = *value;
  }
  if (header[0] != kImagesMagic) {
    return reader->Loss(absl::StrCat("magic number ", header[0], ", not an IDX image file"));
  }
  if (header[2] != kImageSide || header[3] != kImageSide) {
    return reader->Loss(
        absl::StrCat("images are ", header[2], " x ", header[3], ", not 28 x 28"));
  }
  *count = header[1];
  std::vector<uint8_t> pixels(static_cast<size_t>(*count) * kImagePixels);
  if (absl::Status read = reader->Read(pixels.data(), pixels.size()); !read.ok()) return read;
  if (absl::Status end = reader->ExpectEnd(); !end.ok()) return end;
  return pixels;
}

}  // namespace

absl::StatusOr<FashionMnist> LoadFashionMnist(const std::filesystem::path& dir, Split split) {
  const std::string prefix = split == Split::kTrain ? "train" : "t10k";
  const std::filesystem::path images = dir / (prefix + "-images-idx3-ubyte.gz");
  const std::filesystem::path labels = dir / (prefix + "-labels-idx1-ubyte.gz");
  FashionMnist data;
  uint32_t count = 0;
  absl::StatusOr<std::vector<uint8_t>> pixels = ReadImages(images, &count);
  if (!pixels.ok()) return pixels.status();
  absl::StatusOr<std::vector<uint8_t>> label_bytes = ReadLabels(labels);
  if (!label_bytes.ok()) return label_bytes.status();
  if (label_bytes->size() != count) {
    return absl::DataLossError(absl::StrCat(labels.string(), ": ", label_bytes->size(),
                                            " labels for ", count, " images in ",
                                            images.string()));
  }
  data.pixels = *std::move(pixels);
  data.labels = *std::move(label_bytes);
  return data;
}

}  // namespace aigc::imagegen
