#include "services/recommender/service/list_items.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"
#include "services/recommender/validation/validation.h"

namespace aigc::recommender {
namespace {

using status::InvalidField;

constexpr absl::string_view kTokenVersion = "1";
constexpr absl::string_view kTokenField = "page.page_token";

// The enum values of a filter list, checked, sorted and de-duplicated.
template <typename Enum>
absl::StatusOr<std::vector<Enum>> ParseEnumFilter(
    absl::string_view field, const google::protobuf::RepeatedField<int>& values,
    bool (*is_valid)(int), absl::string_view unspecified_name) {
  std::vector<Enum> parsed;
  parsed.reserve(static_cast<size_t>(values.size()));
  for (int i = 0; i < values.size(); ++i) {
    const std::string entry = absl::StrCat(field, "[", i, "]");
    if (values[i] == 0) {
      return InvalidField(entry, absl::StrCat(unspecified_name, " is not allowed"));
    }
    if (!is_valid(values[i])) {
      return InvalidField(entry, absl::StrCat("unknown value ", values[i]));
    }
    parsed.push_back(static_cast<Enum>(values[i]));
  }
  std::sort(parsed.begin(), parsed.end());
  parsed.erase(std::unique(parsed.begin(), parsed.end()), parsed.end());
  return parsed;
}

// "<categories>|<kinds>" of a query, the part of a token that binds it to
// the filters.
std::string FilterKey(const ItemQuery& query) {
  const auto number = [](std::string* out, auto value) {
    absl::StrAppend(out, static_cast<int>(value));
  };
  return absl::StrCat(absl::StrJoin(query.categories, ",", number), "|",
                      absl::StrJoin(query.kinds, ",", number));
}

}  // namespace

absl::StatusOr<ItemQuery> ItemQueryFromRequest(const v1::ListItemsRequest& request) {
  ItemQuery query;
  const int32_t page_size = request.page().page_size();
  if (page_size < 0) {
    return InvalidField("page.page_size", absl::StrCat("must be >= 0, got ", page_size));
  }
  query.limit =
      static_cast<size_t>(page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize));
  AIGC_ASSIGN_OR_RETURN(
      query.categories,
      ParseEnumFilter<common::v1::Category>("categories", request.categories(),
                                            common::v1::Category_IsValid, "CATEGORY_UNSPECIFIED"));
  AIGC_ASSIGN_OR_RETURN(query.kinds, ParseEnumFilter<common::v1::ItemKind>(
                                         "kinds", request.kinds(), common::v1::ItemKind_IsValid,
                                         "ITEM_KIND_UNSPECIFIED"));

  const std::string& token = request.page().page_token();
  if (token.empty()) return query;
  std::string payload;
  if (!absl::WebSafeBase64Unescape(token, &payload)) {
    return InvalidField(kTokenField, "malformed; pass a next_page_token unchanged");
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(payload, '|');
  if (parts.size() != 4 || parts[0] != kTokenVersion ||
      !ValidateItemId(kTokenField, parts[3]).ok()) {
    return InvalidField(kTokenField, "malformed; pass a next_page_token unchanged");
  }
  if (absl::StrCat(parts[1], "|", parts[2]) != FilterKey(query)) {
    return InvalidField(kTokenField,
                        "was issued for other categories or kinds; repeat the request's "
                        "filters or restart from the first page");
  }
  query.start_after = std::string(parts[3]);
  return query;
}

std::string NextPageToken(const ItemQuery& query, const ItemPage& page) {
  if (!page.has_more) return "";
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, "|", FilterKey(query), "|", page.last_id));
}

}  // namespace aigc::recommender
