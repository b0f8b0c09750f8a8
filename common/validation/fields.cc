#include "common/validation/fields.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::validation {
namespace {

using common::v1::Money;
using common::v1::Product;
using status::InvalidField;

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62'135'596'800;
constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool IsAttributeKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

absl::Status ValidateSeasons(absl::string_view field,
                             const google::protobuf::RepeatedField<int>& seasons) {
  AIGC_RETURN_IF_ERROR(ValidateEntryCount(field, seasons.size(), 4));
  AIGC_RETURN_IF_ERROR(
      ValidateEnumList(field, seasons, common::v1::Season_IsValid, "SEASON_UNSPECIFIED"));
  for (int i = 0; i < seasons.size(); ++i) {
    if (std::find(seasons.begin(), seasons.begin() + i, seasons[i]) != seasons.begin() + i) {
      return InvalidField(absl::StrCat(field, "[", i, "]"),
                          absl::StrCat("duplicate ", common::v1::Season_Name(seasons[i])));
    }
  }
  if (seasons.size() > 1 &&
      std::find(seasons.begin(), seasons.end(), common::v1::SEASON_ALL_YEAR) != seasons.end()) {
    return InvalidField(field, "SEASON_ALL_YEAR must appear alone");
  }
  return absl::OkStatus();
}

absl::Status ValidateAttributes(absl::string_view field,
                                const google::protobuf::Map<std::string, std::string>& attributes) {
  AIGC_RETURN_IF_ERROR(ValidateEntryCount(field, static_cast<int>(attributes.size()), 50));
  // Map order is unspecified; sorted keys make the reported error stable.
  std::vector<std::string> keys;
  for (const auto& [key, value] : attributes) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    const std::string entry = absl::StrCat(field, "[", absl::CEscape(key), "]");
    if (key.empty() || key.size() > 64 ||
        !std::all_of(key.begin(), key.end(), IsAttributeKeyChar)) {
      return InvalidField(entry, "key must be 1..64 characters of [a-z0-9_.]");
    }
    const size_t chars = CountChars(attributes.at(key));
    if (chars > 256) {
      return InvalidField(entry, absl::StrCat("value must be at most 256 characters, got ", chars));
    }
  }
  return absl::OkStatus();
}

}  // namespace

size_t CountChars(absl::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Quote(absl::string_view value) {
  constexpr size_t kMaxShown = 32;
  if (value.size() <= kMaxShown) return absl::StrCat("\"", absl::CEscape(value), "\"");
  return absl::StrCat("\"", absl::CEscape(value.substr(0, kMaxShown)), "\"...");
}

absl::Status ValidateId(absl::string_view field, absl::string_view id, size_t max_chars) {
  if (id.empty()) return InvalidField(field, "required");
  const std::string rule = absl::StrCat("must be 1..", max_chars, " characters of [A-Za-z0-9_.:-]");
  for (size_t i = 0; i < id.size(); ++i) {
    if (!IsIdChar(id[i])) {
      return InvalidField(field, absl::StrCat(rule, ", got a disallowed character at offset ", i,
                                              " of ", Quote(id)));
    }
  }
  // Only ASCII passed, so bytes are characters.
  if (id.size() > max_chars) {
    return InvalidField(field, absl::StrCat(rule, ", got ", id.size(), " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLength(absl::string_view field, absl::string_view text, size_t min_chars,
                            size_t max_chars) {
  const size_t chars = CountChars(text);
  if (chars >= min_chars && chars <= max_chars) return absl::OkStatus();
  if (min_chars == 1 && chars == 0) return InvalidField(field, "required");
  if (min_chars == 0) {
    return InvalidField(field,
                        absl::StrCat("must be at most ", max_chars, " characters, got ", chars));
  }
  return InvalidField(
      field, absl::StrCat("must be ", min_chars, "..", max_chars, " characters, got ", chars));
}

absl::Status ValidateEntryCount(absl::string_view field, int size, int max_entries) {
  if (size <= max_entries) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("at most ", max_entries, " entries, got ", size));
}

absl::Status ValidateStringList(absl::string_view field,
                                const google::protobuf::RepeatedPtrField<std::string>& list,
                                int max_entries, size_t min_chars, size_t max_chars) {
  AIGC_RETURN_IF_ERROR(ValidateEntryCount(field, list.size(), max_entries));
  for (int i = 0; i < list.size(); ++i) {
    const size_t chars = CountChars(list[i]);
    if (chars < min_chars || chars > max_chars) {
      return InvalidField(
          absl::StrCat(field, "[", i, "]"),
          absl::StrCat("must be ", min_chars, "..", max_chars, " characters, got ", chars));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateEnumList(absl::string_view field,
                              const google::protobuf::RepeatedField<int>& list,
                              bool (*is_valid)(int), absl::string_view unspecified_name) {
  for (int i = 0; i < list.size(); ++i) {
    const std::string entry = absl::StrCat(field, "[", i, "]");
    if (list[i] == 0) return InvalidField(entry, absl::StrCat(unspecified_name, " is not allowed"));
    if (!is_valid(list[i])) return InvalidField(entry, absl::StrCat("unknown value ", list[i]));
  }
  return absl::OkStatus();
}

absl::Status ValidateKnownEnum(absl::string_view field, int value, bool (*is_valid)(int)) {
  if (is_valid(value)) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("unknown value ", value));
}

absl::Status ValidateMoney(absl::string_view field, const Money& money) {
  if (money.amount_minor() < 0) {
    return InvalidField(absl::StrCat(field, ".amount_minor"),
                        absl::StrCat("must be >= 0, got ", money.amount_minor()));
  }
  const std::string& code = money.currency_code();
  if (code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return InvalidField(
        absl::StrCat(field, ".currency_code"),
        absl::StrCat("must be an ISO-4217 code of exactly 3 letters A-Z, got ", Quote(code)));
  }
  return absl::OkStatus();
}

bool IsValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= kMinTimestampSeconds && t.seconds() <= kMaxTimestampSeconds &&
         t.nanos() >= 0 && t.nanos() <= 999'999'999;
}

absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& t) {
  if (IsValidTimestamp(t)) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("not a valid Timestamp (seconds in [",
                                          kMinTimestampSeconds, ", ", kMaxTimestampSeconds,
                                          "], nanos in [0, 999999999]), got seconds=", t.seconds(),
                                          " nanos=", t.nanos()));
}

absl::Status ValidateProduct(const Product& product, absl::string_view field_prefix) {
  auto field = [field_prefix](absl::string_view name) {
    return absl::StrCat(field_prefix, ".", name);
  };

  AIGC_RETURN_IF_ERROR(ValidateId(field("id"), product.id()));
  AIGC_RETURN_IF_ERROR(ValidateLength(field("title"), product.title(), 1, 200));
  AIGC_RETURN_IF_ERROR(
      ValidateKnownEnum(field("category"), product.category(), common::v1::Category_IsValid));
  AIGC_RETURN_IF_ERROR(ValidateLength(field("brand"), product.brand(), 0, 100));
  if (product.has_price()) AIGC_RETURN_IF_ERROR(ValidateMoney(field("price"), product.price()));
  AIGC_RETURN_IF_ERROR(ValidateLength(field("material"), product.material(), 0, 100));
  AIGC_RETURN_IF_ERROR(ValidateStringList(field("colors"), product.colors(), 32, 1, 32));
  AIGC_RETURN_IF_ERROR(ValidateStringList(field("sizes"), product.sizes(), 32, 1, 16));
  AIGC_RETURN_IF_ERROR(ValidateSeasons(field("seasons"), product.seasons()));
  if (product.has_stock_quantity() && product.stock_quantity() < 0) {
    return InvalidField(field("stock_quantity"),
                        absl::StrCat("must be >= 0, got ", product.stock_quantity()));
  }
  AIGC_RETURN_IF_ERROR(ValidateStringList(field("tags"), product.tags(), 50, 1, 64));
  if (product.has_created_time()) {
    AIGC_RETURN_IF_ERROR(ValidateTimestamp(field("created_time"), product.created_time()));
  }
  AIGC_RETURN_IF_ERROR(ValidateAttributes(field("attributes"), product.attributes()));
  AIGC_RETURN_IF_ERROR(ValidateLength(field("description"), product.description(), 0, 5000));
  return ValidateKnownEnum(field("kind"), product.kind(), common::v1::ItemKind_IsValid);
}

}  // namespace aigc::validation
