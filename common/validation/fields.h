// Field validation every service shares: the bounds of aigc.common.v1
// messages (Product, Money, Timestamp) and the building blocks of request
// validation. Every failure is INVALID_ARGUMENT whose message starts with the
// field path the caller gives ("items[2].colors[1]: ...").
#ifndef AIGC_COMMON_VALIDATION_FIELDS_H_
#define AIGC_COMMON_VALIDATION_FIELDS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "aigc/common/v1/common.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace aigc::validation {

// Unicode code points of UTF-8 text: every byte that is not a continuation byte.
size_t CountChars(absl::string_view text);

// A client's value for an error message: escaped, and cut so one bad field
// cannot make a huge message.
std::string Quote(absl::string_view value);

// 1..max_chars characters of [A-Za-z0-9_.:-] (item, product, room ids).
absl::Status ValidateId(absl::string_view field, absl::string_view id, size_t max_chars = 128);

// min_chars..max_chars characters ("required" when min_chars is 1 and the text is empty).
absl::Status ValidateLength(absl::string_view field, absl::string_view text, size_t min_chars,
                            size_t max_chars);

// At most max_entries entries.
absl::Status ValidateEntryCount(absl::string_view field, int size, int max_entries);

// At most max_entries entries of min_chars..max_chars characters each.
absl::Status ValidateStringList(absl::string_view field,
                                const google::protobuf::RepeatedPtrField<std::string>& list,
                                int max_entries, size_t min_chars, size_t max_chars);

// Entries that are known values other than UNSPECIFIED (0).
absl::Status ValidateEnumList(absl::string_view field,
                              const google::protobuf::RepeatedField<int>& list,
                              bool (*is_valid)(int), absl::string_view unspecified_name);

// A known value (UNSPECIFIED allowed).
absl::Status ValidateKnownEnum(absl::string_view field, int value, bool (*is_valid)(int));

// amount_minor >= 0 and a currency_code of exactly 3 letters A-Z.
absl::Status ValidateMoney(absl::string_view field, const common::v1::Money& money);

// Within google.protobuf.Timestamp's range (years 1..9999, nanos 0..999999999).
bool IsValidTimestamp(const google::protobuf::Timestamp& t);
absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& t);

// OK iff `product` obeys every bound of aigc.common.v1.Product and Money: id
// required and a valid id; title 1..200 characters; category and kind known
// values (UNSPECIFIED allowed); brand and material at most 100 characters;
// price (when set) a valid Money; colors 0..32 entries of 1..32 characters;
// sizes 0..32 entries of 1..16 characters; seasons 0..4 distinct known values
// other than UNSPECIFIED, SEASON_ALL_YEAR only alone; stock_quantity (when
// set) >= 0; tags 0..50 entries of 1..64 characters; created_time (when set)
// a valid Timestamp; attributes 0..50 entries, keys 1..64 characters of
// [a-z0-9_.], values at most 256 characters; description at most 5000
// characters. update_time is output only and not checked. Otherwise
// INVALID_ARGUMENT with the field path "<field_prefix>.<field>" (e.g.
// "items[2].colors[1]", "product.price.currency_code",
// "items[4].attributes[Bad-Key]") of the first problem, checked in
// field-number order (attributes by key).
absl::Status ValidateProduct(const common::v1::Product& product, absl::string_view field_prefix);

}  // namespace aigc::validation

#endif  // AIGC_COMMON_VALIDATION_FIELDS_H_
