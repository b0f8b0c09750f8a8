#include "services/recommender/validation/validation.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "google/protobuf/repeated_field.h"

namespace aigc::recommender {
namespace {

using common::v1::Money;
using common::v1::Product;
using status::InvalidField;

constexpr size_t kMaxIdChars = 128;
constexpr float kMinRating = 0.5f;
constexpr float kMaxRating = 5.0f;
constexpr int32_t kMaxQuantity = 10000;
// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62'135'596'800;
constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;

// Unicode code points of UTF-8 text: every byte that is not a continuation byte.
size_t CountChars(absl::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Shows a client's value in a message: escaped, and cut so one bad field
// cannot make a huge error message.
std::string Quote(absl::string_view value) {
  constexpr size_t kMaxShown = 32;
  if (value.size() <= kMaxShown) return absl::StrCat("\"", absl::CEscape(value), "\"");
  return absl::StrCat("\"", absl::CEscape(value.substr(0, kMaxShown)), "\"...");
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool IsSurfaceChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool IsAttributeKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return InvalidField(field, "required");
  constexpr absl::string_view kRule = "must be 1..128 characters of [A-Za-z0-9_.:-]";
  for (size_t i = 0; i < id.size(); ++i) {
    if (!IsIdChar(id[i])) {
      return InvalidField(field, absl::StrCat(kRule, ", got a disallowed character at offset ", i,
                                              " of ", Quote(id)));
    }
  }
  // Only ASCII passed, so bytes are characters.
  if (id.size() > kMaxIdChars) {
    return InvalidField(field, absl::StrCat(kRule, ", got ", id.size(), " characters"));
  }
  return absl::OkStatus();
}

// OK iff `text` has min_chars..max_chars characters.
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

// A repeated string field of at most max_entries entries of
// min_chars..max_chars characters each.
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

// A repeated enum field whose entries must be known values other than
// UNSPECIFIED (0).
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

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string ShowTime(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

bool TakesQuantity(v1::EventType type) {
  return type == v1::EVENT_TYPE_ADD_TO_CART || type == v1::EVENT_TYPE_PURCHASE;
}

absl::Status ValidateContext(absl::string_view prefix, const v1::EventContext& context) {
  AIGC_RETURN_IF_ERROR(ValidateLength(absl::StrCat(prefix, ".recommendation_request_id"),
                                      context.recommendation_request_id(), 0, 128));
  if (context.position() < 0) {
    return InvalidField(absl::StrCat(prefix, ".position"),
                        absl::StrCat("must be >= 0, got ", context.position()));
  }
  const std::string& surface = context.surface();
  if (surface.size() > 64 || !std::all_of(surface.begin(), surface.end(), IsSurfaceChar)) {
    return InvalidField(
        absl::StrCat(prefix, ".surface"),
        absl::StrCat("must be 0..64 characters of [a-z0-9_], got ", Quote(surface)));
  }
  return absl::OkStatus();
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

absl::Status ValidateCategoryList(absl::string_view field,
                                  const google::protobuf::RepeatedField<int>& categories) {
  AIGC_RETURN_IF_ERROR(ValidateEntryCount(field, categories.size(), 10));
  return ValidateEnumList(field, categories, common::v1::Category_IsValid, "CATEGORY_UNSPECIFIED");
}

absl::Status ValidatePriceRange(absl::string_view field, const v1::PriceRange& range) {
  if (range.has_min_price()) {
    AIGC_RETURN_IF_ERROR(ValidateMoney(absl::StrCat(field, ".min_price"), range.min_price()));
  }
  if (range.has_max_price()) {
    AIGC_RETURN_IF_ERROR(ValidateMoney(absl::StrCat(field, ".max_price"), range.max_price()));
  }
  if (!range.has_min_price() || !range.has_max_price()) return absl::OkStatus();
  if (range.min_price().currency_code() != range.max_price().currency_code()) {
    return InvalidField(field, absl::StrCat("min_price and max_price must use the same currency, "
                                            "got ",
                                            range.min_price().currency_code(), " and ",
                                            range.max_price().currency_code()));
  }
  if (range.max_price().amount_minor() < range.min_price().amount_minor()) {
    return InvalidField(absl::StrCat(field, ".max_price"),
                        absl::StrCat("must be >= min_price (", range.min_price().amount_minor(),
                                     "), got ", range.max_price().amount_minor()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateUserId(absl::string_view field, absl::string_view id) {
  return ValidateId(field, id);
}

absl::Status ValidateItemId(absl::string_view field, absl::string_view id) {
  return ValidateId(field, id);
}

absl::Status ValidateEvent(const v1::Event& event, int64_t index, absl::Time now) {
  const std::string prefix = absl::StrCat("events[", index, "]");
  AIGC_RETURN_IF_ERROR(ValidateLength(absl::StrCat(prefix, ".event_id"), event.event_id(), 0, 128));
  AIGC_RETURN_IF_ERROR(ValidateUserId(absl::StrCat(prefix, ".user_id"), event.user_id()));
  AIGC_RETURN_IF_ERROR(ValidateItemId(absl::StrCat(prefix, ".item_id"), event.item_id()));

  const std::string type_field = absl::StrCat(prefix, ".type");
  if (event.type() == v1::EVENT_TYPE_UNSPECIFIED) {
    return InvalidField(type_field, "required, got EVENT_TYPE_UNSPECIFIED");
  }
  AIGC_RETURN_IF_ERROR(ValidateKnownEnum(type_field, event.type(), v1::EventType_IsValid));
  const std::string& type_name = v1::EventType_Name(event.type());

  if (event.has_event_time()) {
    const std::string field = absl::StrCat(prefix, ".event_time");
    AIGC_RETURN_IF_ERROR(ValidateTimestamp(field, event.event_time()));
    const absl::Time time = ToTime(event.event_time());
    if (time < absl::UnixEpoch()) {
      return InvalidField(
          field, absl::StrCat("must not be before 1970-01-01T00:00:00Z, got ", ShowTime(time)));
    }
    if (time > now + kMaxEventClockSkew) {
      return InvalidField(field, absl::StrCat("must be at most 5 minutes after the server clock (",
                                              ShowTime(now), "), got ", ShowTime(time)));
    }
  }

  const std::string rating_field = absl::StrCat(prefix, ".rating");
  if (event.type() == v1::EVENT_TYPE_RATING) {
    if (!event.has_rating()) return InvalidField(rating_field, "required for EVENT_TYPE_RATING");
    // Written so that NaN fails too.
    if (!(event.rating() >= kMinRating && event.rating() <= kMaxRating)) {
      return InvalidField(rating_field,
                          absl::StrCat("must be in [0.5, 5.0], got ", event.rating()));
    }
  } else if (event.has_rating()) {
    return InvalidField(rating_field, absl::StrCat("must be unset for ", type_name));
  }

  const std::string quantity_field = absl::StrCat(prefix, ".quantity");
  if (TakesQuantity(event.type())) {
    if (event.quantity() < 0 || event.quantity() > kMaxQuantity) {
      return InvalidField(quantity_field,
                          absl::StrCat("must be in [1, 10000] (0 = 1), got ", event.quantity()));
    }
  } else if (event.quantity() != 0) {
    return InvalidField(quantity_field,
                        absl::StrCat("must be 0 for ", type_name, ", got ", event.quantity()));
  }

  if (event.has_context()) {
    AIGC_RETURN_IF_ERROR(ValidateContext(absl::StrCat(prefix, ".context"), event.context()));
  }
  return absl::OkStatus();
}

v1::Event NormalizeEvent(v1::Event event, absl::Time now) {
  if (!event.has_event_time()) {
    const int64_t seconds = absl::ToUnixSeconds(now);  // Rounds down.
    event.mutable_event_time()->set_seconds(seconds);
    event.mutable_event_time()->set_nanos(
        static_cast<int32_t>((now - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  }
  if (event.has_rating()) event.set_rating(std::round(event.rating() * 2.0f) / 2.0f);
  if (TakesQuantity(event.type()) && event.quantity() == 0) event.set_quantity(1);
  return event;
}

absl::Status ValidateProduct(const Product& product, absl::string_view field_prefix) {
  auto field = [field_prefix](absl::string_view name) {
    return absl::StrCat(field_prefix, ".", name);
  };

  AIGC_RETURN_IF_ERROR(ValidateItemId(field("id"), product.id()));
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

absl::Status ValidateItemFilter(const v1::ItemFilter& filter, absl::string_view field_prefix) {
  auto field = [field_prefix](absl::string_view name) {
    return absl::StrCat(field_prefix, ".", name);
  };
  AIGC_RETURN_IF_ERROR(
      ValidateCategoryList(field("include_categories"), filter.include_categories()));
  AIGC_RETURN_IF_ERROR(
      ValidateCategoryList(field("exclude_categories"), filter.exclude_categories()));
  if (filter.has_price_range()) {
    AIGC_RETURN_IF_ERROR(ValidatePriceRange(field("price_range"), filter.price_range()));
  }
  AIGC_RETURN_IF_ERROR(ValidateStringList(field("include_tags"), filter.include_tags(), 20, 1, 64));
  AIGC_RETURN_IF_ERROR(ValidateStringList(field("exclude_tags"), filter.exclude_tags(), 20, 1, 64));
  AIGC_RETURN_IF_ERROR(ValidateEnumList(field("include_kinds"), filter.include_kinds(),
                                        common::v1::ItemKind_IsValid, "ITEM_KIND_UNSPECIFIED"));
  return ValidateEntryCount(field("exclude_item_ids"), filter.exclude_item_ids_size(), 1000);
}

absl::StatusOr<int32_t> ValidateCount(int32_t count) {
  if (count == 0) return kDefaultCount;
  if (count < 0 || count > kMaxCount) {
    return InvalidField("count", absl::StrCat("must be in [1, ", kMaxCount,
                                              "] (0 = ", kDefaultCount, "), got ", count));
  }
  return count;
}

absl::Status ValidateDiversityLambda(float lambda) {
  // Written so that NaN fails too.
  if (lambda >= 0.0f && lambda <= 1.0f) return absl::OkStatus();
  return InvalidField("diversity_lambda", absl::StrCat("must be in [0, 1], got ", lambda));
}

}  // namespace aigc::recommender
