// ListItems' request parsing and its page tokens.
//
// A page token is opaque to clients. Inside it is web-safe base64 of
// "1|<categories>|<kinds>|<last id>": a format version, the request's
// category and kind filters as sorted, de-duplicated enum numbers joined by
// ',', and the id of the last item of the page (the exclusive cursor of the
// next). Binding the filters into the token is how a token used with other
// filters is recognised (common.proto PageRequest). Tokens hold no server
// state, so they never expire and work on any replica.
//
// Every function is stateless and thread-safe.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_LIST_ITEMS_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_LIST_ITEMS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

// Page size when PageRequest.page_size is 0/unset.
inline constexpr int32_t kDefaultPageSize = 20;
// Larger page sizes are clamped to this (not an error).
inline constexpr int32_t kMaxPageSize = 100;

// The store query a ListItemsRequest asks for (its metadata is not looked
// at): limit = page_size (0 = kDefaultPageSize, clamped to kMaxPageSize),
// categories and kinds sorted and de-duplicated, start_after from the page
// token (empty for the first page). Fails with INVALID_ARGUMENT naming the
// field, checked in this order: "page.page_size" (negative),
// "categories[i]" / "kinds[i]" (UNSPECIFIED or a value not in the enum),
// "page.page_token" (not a token of ours, or issued for other categories or
// kinds).
absl::StatusOr<ItemQuery> ItemQueryFromRequest(const v1::ListItemsRequest& request);

// ListItemsResponse.page.next_page_token after `page`, which `query`
// returned: empty when page.has_more is false (the last page), else a token
// that ItemQueryFromRequest turns back into `query` starting after
// page.last_id.
std::string NextPageToken(const ItemQuery& query, const ItemPage& page);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_LIST_ITEMS_H_
