#include "services/recommender/core/archive.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::recommender {
namespace {

constexpr absl::string_view kMagic = "AIGC-REC-ARCHIVE 1\n";

template <typename T>
void AppendRaw(std::string& out, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// Reads fixed-size values and byte runs from a buffer, remembering the first
// overrun so callers check once.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}
  template <typename T>
  T Raw() {
    T value{};
    if (!Has(sizeof(T))) return value;
    std::memcpy(&value, data_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  absl::string_view Bytes(uint64_t size) {
    if (!Has(size)) return {};
    absl::string_view bytes = data_.substr(offset_, size);
    offset_ += size;
    return bytes;
  }
  bool ok() const { return ok_; }
  bool done() const { return offset_ == data_.size(); }
  size_t offset() const { return offset_; }

 private:
  bool Has(uint64_t size) {
    if (ok_ && size <= data_.size() - offset_) return true;
    ok_ = false;
    return false;
  }
  absl::string_view data_;
  size_t offset_ = 0;
  bool ok_ = true;
};

template <typename T>
std::string ToPayload(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

template <typename T>
std::vector<T> FromPayload(const std::string& payload) {
  std::vector<T> values(payload.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), payload.data(), values.size() * sizeof(T));
  return values;
}

}  // namespace

void Archive::PutFloats(absl::string_view key, int64_t rows, int64_t cols,
                        std::vector<float> values) {
  entries_[std::string(key)] = Entry{Type::kFloats, rows, cols, ToPayload(values)};
}

void Archive::PutInts(absl::string_view key, std::vector<int32_t> values) {
  const int64_t size = static_cast<int64_t>(values.size());
  entries_[std::string(key)] = Entry{Type::kInts, size, 1, ToPayload(values)};
}

void Archive::PutStrings(absl::string_view key, std::vector<std::string> values) {
  std::string payload;
  for (const std::string& value : values) {
    AppendRaw<uint32_t>(payload, static_cast<uint32_t>(value.size()));
    payload += value;
  }
  const int64_t size = static_cast<int64_t>(values.size());
  entries_[std::string(key)] = Entry{Type::kStrings, size, 1, std::move(payload)};
}

void Archive::PutNumber(absl::string_view key, double value) {
  std::string payload;
  AppendRaw(payload, value);
  entries_[std::string(key)] = Entry{Type::kNumber, 1, 1, std::move(payload)};
}

void Archive::PutText(absl::string_view key, absl::string_view value) {
  entries_[std::string(key)] = Entry{Type::kText, 1, 1, std::string(value)};
}

absl::StatusOr<const Archive::Entry*> Archive::Find(absl::string_view key, Type type) const {
  auto it = entries_.find(key);
  if (it == entries_.end())
    return absl::NotFoundError(absl::StrCat("archive has no \"", key, "\""));
  if (it->second.type != type) {
    return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" has the wrong type"));
  }
  return &it->second;
}

absl::StatusOr<FloatMatrix> Archive::GetFloats(absl::string_view key) const {
  AIGC_ASSIGN_OR_RETURN(const Entry* entry, Find(key, Type::kFloats));
  if (entry->rows < 0 || entry->cols < 0 ||
      static_cast<uint64_t>(entry->rows) * static_cast<uint64_t>(entry->cols) * sizeof(float) !=
          entry->payload.size()) {
    return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" does not hold ",
                                            entry->rows, "x", entry->cols, " floats"));
  }
  return FloatMatrix{entry->rows, entry->cols, FromPayload<float>(entry->payload)};
}

absl::StatusOr<std::vector<int32_t>> Archive::GetInts(absl::string_view key) const {
  AIGC_ASSIGN_OR_RETURN(const Entry* entry, Find(key, Type::kInts));
  if (static_cast<uint64_t>(entry->rows) * sizeof(int32_t) != entry->payload.size()) {
    return absl::DataLossError(
        absl::StrCat("archive entry \"", key, "\" does not hold ", entry->rows, " ints"));
  }
  return FromPayload<int32_t>(entry->payload);
}

absl::StatusOr<std::vector<std::string>> Archive::GetStrings(absl::string_view key) const {
  AIGC_ASSIGN_OR_RETURN(const Entry* entry, Find(key, Type::kStrings));
  std::vector<std::string> values;
  Reader reader(entry->payload);
  for (int64_t i = 0; i < entry->rows && reader.ok(); ++i) {
    const auto size = reader.Raw<uint32_t>();
    values.emplace_back(reader.Bytes(size));
  }
  if (!reader.ok() || !reader.done()) {
    return absl::DataLossError(
        absl::StrCat("archive entry \"", key, "\" does not hold ", entry->rows, " strings"));
  }
  return values;
}

absl::StatusOr<double> Archive::GetNumber(absl::string_view key) const {
  AIGC_ASSIGN_OR_RETURN(const Entry* entry, Find(key, Type::kNumber));
  Reader reader(entry->payload);
  const auto value = reader.Raw<double>();
  if (!reader.ok() || !reader.done()) {
    return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" is not a number"));
  }
  return value;
}

absl::StatusOr<std::string> Archive::GetText(absl::string_view key) const {
  AIGC_ASSIGN_OR_RETURN(const Entry* entry, Find(key, Type::kText));
  return entry->payload;
}

absl::Status Archive::WriteFile(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::string header(kMagic);
  AppendRaw<uint32_t>(header, static_cast<uint32_t>(entries_.size()));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (const auto& [key, entry] : entries_) {
    std::string head;
    AppendRaw<uint32_t>(head, static_cast<uint32_t>(key.size()));
    head += key;
    AppendRaw<uint8_t>(head, static_cast<uint8_t>(entry.type));
    AppendRaw<uint64_t>(head, static_cast<uint64_t>(entry.rows));
    AppendRaw<uint64_t>(head, static_cast<uint64_t>(entry.cols));
    AppendRaw<uint64_t>(head, entry.payload.size());
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    out.write(entry.payload.data(), static_cast<std::streamsize>(entry.payload.size()));
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

absl::StatusOr<Archive> Archive::ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  Reader reader(data);
  if (reader.Bytes(kMagic.size()) != kMagic) {
    return absl::DataLossError(absl::StrCat(path.string(), " is not a recommender archive"));
  }
  Archive archive;
  const auto count = reader.Raw<uint32_t>();
  for (uint32_t i = 0; i < count && reader.ok(); ++i) {
    const auto key_size = reader.Raw<uint32_t>();
    std::string key(reader.Bytes(key_size));
    Entry entry;
    entry.type = static_cast<Type>(reader.Raw<uint8_t>());
    entry.rows = static_cast<int64_t>(reader.Raw<uint64_t>());
    entry.cols = static_cast<int64_t>(reader.Raw<uint64_t>());
    entry.payload = std::string(reader.Bytes(reader.Raw<uint64_t>()));
    archive.entries_[std::move(key)] = std::move(entry);
  }
  if (!reader.ok() || !reader.done()) {
    return absl::DataLossError(
        absl::StrCat(path.string(), " is truncated or malformed near byte ", reader.offset()));
  }
  return archive;
}

}  // namespace aigc::recommender
