#include "services/recommender/service/list_items.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

using common::v1::CATEGORY_DRESS;
using common::v1::CATEGORY_TSHIRT_TOP;
using common::v1::ITEM_KIND_MOVIE;
using common::v1::ITEM_KIND_PRODUCT;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::ListItemsRequest RequestWithPageSize(int32_t page_size) {
  v1::ListItemsRequest request;
  request.mutable_page()->set_page_size(page_size);
  return request;
}

void ExpectInvalid(const v1::ListItemsRequest& request, const std::string& field) {
  const absl::StatusOr<ItemQuery> query = ItemQueryFromRequest(request);
  ASSERT_FALSE(query.ok()) << "expected " << field << " to be rejected";
  EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(query.status().message(), field + ": ")) << query.status();
}

TEST(ItemQueryFromRequestTest, EmptyRequestIsTheFirstPageOfTwentyUnfiltered) {
  const absl::StatusOr<ItemQuery> query = ItemQueryFromRequest(v1::ListItemsRequest());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->limit, 20u);
  EXPECT_EQ(query->start_after, "");
  EXPECT_THAT(query->categories, IsEmpty());
  EXPECT_THAT(query->kinds, IsEmpty());
}

TEST(ItemQueryFromRequestTest, PageSizeIsKeptUpToOneHundredAndClampedAbove) {
  EXPECT_EQ(ItemQueryFromRequest(RequestWithPageSize(1))->limit, 1u);
  EXPECT_EQ(ItemQueryFromRequest(RequestWithPageSize(100))->limit, 100u);
  EXPECT_EQ(ItemQueryFromRequest(RequestWithPageSize(101))->limit, 100u);
  EXPECT_EQ(ItemQueryFromRequest(RequestWithPageSize(1 << 30))->limit, 100u);
}

TEST(ItemQueryFromRequestTest, NegativePageSizeIsInvalid) {
  ExpectInvalid(RequestWithPageSize(-1), "page.page_size");
}

TEST(ItemQueryFromRequestTest, FiltersAreSortedAndDeduplicated) {
  v1::ListItemsRequest request;
  request.add_categories(CATEGORY_DRESS);
  request.add_categories(CATEGORY_TSHIRT_TOP);
  request.add_categories(CATEGORY_DRESS);
  request.add_kinds(ITEM_KIND_MOVIE);
  request.add_kinds(ITEM_KIND_PRODUCT);
  const absl::StatusOr<ItemQuery> query = ItemQueryFromRequest(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_THAT(query->categories, ElementsAre(CATEGORY_TSHIRT_TOP, CATEGORY_DRESS));
  EXPECT_THAT(query->kinds, ElementsAre(ITEM_KIND_PRODUCT, ITEM_KIND_MOVIE));
}

TEST(ItemQueryFromRequestTest, UnspecifiedOrUnknownFilterEntriesAreInvalidByIndex) {
  v1::ListItemsRequest request;
  request.add_categories(CATEGORY_DRESS);
  request.add_categories(common::v1::CATEGORY_UNSPECIFIED);
  ExpectInvalid(request, "categories[1]");

  request.Clear();
  request.add_categories(static_cast<common::v1::Category>(99));
  ExpectInvalid(request, "categories[0]");

  request.Clear();
  request.add_kinds(ITEM_KIND_MOVIE);
  request.add_kinds(ITEM_KIND_MOVIE);
  request.add_kinds(common::v1::ITEM_KIND_UNSPECIFIED);
  ExpectInvalid(request, "kinds[2]");
}

TEST(NextPageTokenTest, LastPageHasNoToken) {
  ItemPage page;
  page.last_id = "m9";
  page.has_more = false;
  EXPECT_EQ(NextPageToken(ItemQuery(), page), "");
}

TEST(NextPageTokenTest, TokenResumesAfterTheLastIdWithTheSameFiltersInAnyOrder) {
  v1::ListItemsRequest request = RequestWithPageSize(3);
  request.add_categories(CATEGORY_DRESS);
  request.add_categories(CATEGORY_TSHIRT_TOP);
  const absl::StatusOr<ItemQuery> first = ItemQueryFromRequest(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ItemPage page;
  page.last_id = "sku-0009";
  page.has_more = true;
  const std::string token = NextPageToken(*first, page);
  ASSERT_FALSE(token.empty());

  v1::ListItemsRequest next = RequestWithPageSize(3);
  next.add_categories(CATEGORY_TSHIRT_TOP);
  next.add_categories(CATEGORY_DRESS);
  next.mutable_page()->set_page_token(token);
  const absl::StatusOr<ItemQuery> second = ItemQueryFromRequest(next);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->start_after, "sku-0009");
  EXPECT_EQ(second->limit, 3u);
  EXPECT_EQ(second->categories, first->categories);
}

TEST(NextPageTokenTest, TokenUsedWithOtherFiltersIsInvalid) {
  ItemPage page;
  page.last_id = "m1";
  page.has_more = true;
  const std::string token = NextPageToken(*ItemQueryFromRequest(v1::ListItemsRequest()), page);

  v1::ListItemsRequest other;
  other.add_kinds(ITEM_KIND_MOVIE);
  other.mutable_page()->set_page_token(token);
  ExpectInvalid(other, "page.page_token");
}

class MalformedTokenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedTokenTest, IsInvalidPageToken) {
  v1::ListItemsRequest request;
  request.mutable_page()->set_page_token(GetParam());
  ExpectInvalid(request, "page.page_token");
}

INSTANTIATE_TEST_SUITE_P(Tokens, MalformedTokenTest,
                         ::testing::Values("not base64!", absl::WebSafeBase64Escape("garbage"),
                                           // Another format version.
                                           absl::WebSafeBase64Escape("2|||m1"),
                                           // No last id, or one that is not an item id.
                                           absl::WebSafeBase64Escape("1|||"),
                                           absl::WebSafeBase64Escape("1|||bad id"),
                                           // A field too many.
                                           absl::WebSafeBase64Escape("1||||m1")));

}  // namespace
}  // namespace aigc::recommender
