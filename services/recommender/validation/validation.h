// Request validation of the recommender: pure functions over the protos that
// check exactly the bounds the proto comments state (recommender.proto and
// common.proto are the contract). A rejected value gives INVALID_ARGUMENT in
// the suite's form "<field path>: <problem>", where the path is the full one
// the caller sees (e.g. "events[3].rating: must be in [0.5, 5.0], got 7") and
// the problem names the bound.
//
// Checks that need state (an item id that must be in the catalogue => NOT_FOUND,
// an algorithm whose model is not loaded => UNAVAILABLE) are the caller's.
//
// "Characters" are Unicode code points of the UTF-8 text, as common.proto
// defines them (so "连衣裙" is 3 characters).
//
// Every function is stateless and thread-safe.
#ifndef AIGC_SERVICES_RECOMMENDER_VALIDATION_VALIDATION_H_
#define AIGC_SERVICES_RECOMMENDER_VALIDATION_VALIDATION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender {

// Count of a request when its count field is 0/unset.
inline constexpr int32_t kDefaultCount = 10;
// Largest count a request may ask for.
inline constexpr int32_t kMaxCount = 200;
// How far an event_time may lie ahead of the server clock.
inline constexpr absl::Duration kMaxEventClockSkew = absl::Minutes(5);

// OK iff `id` is a valid user id: 1..128 characters of [A-Za-z0-9_.:-].
// Otherwise INVALID_ARGUMENT naming `field` ("<field>: required" when empty).
absl::Status ValidateUserId(absl::string_view field, absl::string_view id);

// OK iff `id` is a valid item id; same syntax and errors as ValidateUserId.
absl::Status ValidateItemId(absl::string_view field, absl::string_view id);

// OK iff `event` may be stored: user_id and item_id valid ids; type a known
// value other than UNSPECIFIED; event_time (when set) a valid Timestamp, not
// before 1970-01-01 and not more than kMaxEventClockSkew after `now`; rating
// set exactly for EVENT_TYPE_RATING and then in [0.5, 5.0]; quantity in
// [0, 10000] for ADD_TO_CART / PURCHASE and 0 otherwise; event_id at most 128
// characters; context.recommendation_request_id at most 128 characters,
// context.position >= 0, context.surface 0..64 characters of [a-z0-9_].
// Otherwise INVALID_ARGUMENT with the field path "events[<index>].<field>"
// of the first problem found, checked in field-number order.
absl::Status ValidateEvent(const v1::Event& event, int64_t index, absl::Time now);

// Returns `event` with the server's defaults applied, for an event that passed
// ValidateEvent: an unset event_time becomes `now`; a rating is rounded to
// the nearest half star (halfway cases away from zero, e.g. 4.25 -> 4.5);
// quantity 0 becomes 1 for ADD_TO_CART and PURCHASE.
v1::Event NormalizeEvent(v1::Event event, absl::Time now);

// Products are checked by aigc::validation::ValidateProduct
// (common/validation/fields.h).

// OK iff `filter` obeys aigc.recommender.v1.ItemFilter's bounds:
// include/exclude_categories at most 10 known values other than UNSPECIFIED;
// price_range bounds valid Money (amount >= 0, 3-letter code), in one
// currency, max_price >= min_price; include/exclude_tags at most 20 entries
// of 1..64 characters; include_kinds known values other than UNSPECIFIED;
// exclude_item_ids at most 1000 entries (their content is not checked:
// unknown ids are ignored). Otherwise INVALID_ARGUMENT with the field path
// prefixed by `field_prefix` (e.g. "filter.include_categories[1]",
// "filter.price_range.max_price").
absl::Status ValidateItemFilter(const v1::ItemFilter& filter, absl::string_view field_prefix);

// The count to serve for a request's `count` field: kDefaultCount for 0,
// `count` itself for 1..kMaxCount. INVALID_ARGUMENT "count" when negative or
// above kMaxCount.
absl::StatusOr<int32_t> ValidateCount(int32_t count);

// OK iff an explicitly set diversity_lambda lies in [0, 1] (NaN does not).
// Otherwise INVALID_ARGUMENT "diversity_lambda". Call it only when the field
// is set; an unset field means the server default.
absl::Status ValidateDiversityLambda(float lambda);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_VALIDATION_VALIDATION_H_
