#include "services/imagegen/png/png_codec.h"

#include <png.h>

#include <csetjmp>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::imagegen {
namespace {

constexpr int kMaxSide = 4096;

bool PrintableAscii(std::string_view text) {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

absl::Status ValidateText(const PngText& text, size_t index) {
  const std::string field = absl::StrCat("texts[", index, "]");
  const std::string_view keyword = text.keyword;
  if (keyword.empty() || keyword.size() > 79 || !PrintableAscii(keyword) ||
      keyword.front() == ' ' || keyword.back() == ' ' ||
      keyword.find("  ") != std::string_view::npos) {
    return status::InvalidField(absl::StrCat(field, ".keyword"),
                                "must be 1..79 printable ASCII characters without leading, "
                                "trailing or double spaces");
  }
  if (!PrintableAscii(text.text)) {
    return status::InvalidField(absl::StrCat(field, ".text"), "must be printable ASCII");
  }
  return absl::OkStatus();
}

// libpng reports errors by longjmp to the setjmp of the function that called
// it; the message is kept here. The functions that call setjmp create no
// object with a destructor after it.
struct ErrorSink {
  char message[256] = "";
};

void OnError(png_structp png, png_const_charp message) {
  auto* sink = static_cast<ErrorSink*>(png_get_error_ptr(png));
  std::strncpy(sink->message, message, sizeof(sink->message) - 1);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}

void AppendToString(png_structp png, png_bytep data, png_size_t size) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), size);
}

void FlushNothing(png_structp) {}

struct ReadCursor {
  std::string_view bytes;
  size_t offset = 0;
};

void ReadFromView(png_structp png, png_bytep out, png_size_t size) {
  auto* cursor = static_cast<ReadCursor*>(png_get_io_ptr(png));
  if (cursor->bytes.size() - cursor->offset < size) png_error(png, "the file is truncated");
  std::memcpy(out, cursor->bytes.data() + cursor->offset, size);
  cursor->offset += size;
}

// Writes with libpng; false (and sink->message) on a libpng error.
bool WritePng(const PixelImage& image, const std::vector<png_text>& texts,
              const std::vector<png_bytep>& rows, std::string* out, ErrorSink* sink) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, sink, OnError, OnWarning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, AppendToString, FlushNothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), 8,
               image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!texts.empty()) {
    png_set_text(png, info, const_cast<png_textp>(texts.data()), static_cast<int>(texts.size()));
  }
  png_set_rows(png, info, const_cast<png_bytepp>(rows.data()));
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

// Reads with libpng into `decoded`; false (and sink->message) on an error.
bool ReadPng(ReadCursor* cursor, DecodedPng* decoded, ErrorSink* sink) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, sink, OnError, OnWarning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, cursor, ReadFromView);
  png_read_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  const int color = png_get_color_type(png, info);
  if (png_get_bit_depth(png, info) != 8 ||
      (color != PNG_COLOR_TYPE_GRAY && color != PNG_COLOR_TYPE_RGB)) {
    std::strncpy(sink->message, "not an 8-bit grey or RGB image", sizeof(sink->message) - 1);
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  PixelImage& image = decoded->image;
  image.width = static_cast<int>(png_get_image_width(png, info));
  image.height = static_cast<int>(png_get_image_height(png, info));
  image.channels = color == PNG_COLOR_TYPE_GRAY ? 1 : 3;
  const size_t row_bytes = static_cast<size_t>(image.width) * image.channels;
  image.pixels.resize(row_bytes * image.height);
  png_bytepp rows = png_get_rows(png, info);
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(image.pixels.data() + row_bytes * y, rows[y], row_bytes);
  }
  png_textp texts = nullptr;
  const int count = png_get_text(png, info, &texts, nullptr);
  for (int i = 0; i < count; ++i) {
    decoded->texts.push_back(PngText{texts[i].key, std::string(texts[i].text, texts[i].text_length)});
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

absl::StatusOr<std::string> EncodePng(const PixelImage& image, std::span<const PngText> texts) {
  if (image.width < 1 || image.width > kMaxSide) {
    return status::InvalidField("image.width", absl::StrCat("must be in [1, ", kMaxSide, "]"));
  }
  if (image.height < 1 || image.height > kMaxSide) {
    return status::InvalidField("image.height", absl::StrCat("must be in [1, ", kMaxSide, "]"));
  }
  if (image.channels != 1 && image.channels != 3) {
    return status::InvalidField("image.channels", "must be 1 (grey) or 3 (RGB)");
  }
  const size_t row_bytes = static_cast<size_t>(image.width) * image.channels;
  if (image.pixels.size() != row_bytes * image.height) {
    return status::InvalidField(
        "image.pixels", absl::StrCat("has ", image.pixels.size(), " bytes for ", image.width,
                                     " x ", image.height, " x ", image.channels));
  }
  std::vector<png_text> chunks;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (absl::Status valid = ValidateText(texts[i], i); !valid.ok()) return valid;
    png_text chunk{};
    chunk.compression = PNG_TEXT_COMPRESSION_NONE;
    chunk.key = const_cast<char*>(texts[i].keyword.c_str());
    chunk.text = const_cast<char*>(texts[i].text.c_str());
    chunk.text_length = texts[i].text.size();
    chunks.push_back(chunk);
  }
  std::vector<png_bytep> rows(image.height);
  for (int y = 0; y < image.height; ++y) {
    rows[y] = const_cast<png_bytep>(image.pixels.data() + row_bytes * y);
  }
  std::string out;
  ErrorSink sink;
  if (!WritePng(image, chunks, rows, &out, &sink)) {
    return absl::InternalError(absl::StrCat("PNG encoding failed: ", sink.message));
  }
  return out;
}

absl::StatusOr<DecodedPng> DecodePng(std::string_view bytes) {
  if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0) {
    return absl::InvalidArgumentError("not a PNG file (bad signature)");
  }
  ReadCursor cursor{bytes};
  DecodedPng decoded;
  ErrorSink sink;
  if (!ReadPng(&cursor, &decoded, &sink)) {
    return absl::InvalidArgumentError(absl::StrCat("not a readable PNG: ", sink.message));
  }
  return decoded;
}

}  // namespace aigc::imagegen
