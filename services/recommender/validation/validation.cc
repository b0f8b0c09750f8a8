#include "services/recommender/validation/validation.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/validation/fields.h"
#include "google/protobuf/repeated_field.h"

namespace aigc::recommender {
namespace {

using status::InvalidField;
using validation::Quote;
using validation::ValidateEntryCount;
using validation::ValidateEnumList;
using validation::ValidateKnownEnum;
using validation::ValidateLength;
using validation::ValidateMoney;
using validation::ValidateStringList;
using validation::ValidateTimestamp;

constexpr float kMinRating = 0.5f;
constexpr float kMaxRating = 5.0f;
constexpr int32_t kMaxQuantity = 10000;

bool IsSurfaceChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

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
  return validation::ValidateId(field, id);
}

absl::Status ValidateItemId(absl::string_view field, absl::string_view id) {
  return validation::ValidateId(field, id);
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
