#include "services/copywriter/live/rooms.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace aigc::copy_live {
namespace {

using ::testing::HasSubstr;

template <typename T>
T ParseText(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

v1::ProductKnowledge Knowledge(const std::string& id, int64_t price_minor = 19900) {
  return ParseText<v1::ProductKnowledge>(
      absl::StrCat("product { id: '", id, "' title: 'T恤' price { amount_minor: ", price_minor,
                   " currency_code: 'CNY' } } shipping_info: '48小时内发货'"));
}

v1::SetRoomKnowledgeRequest SetRequest(const std::vector<std::string>& ids, bool merge = false) {
  v1::SetRoomKnowledgeRequest request;
  request.set_room_id("room-1");
  request.set_merge(merge);
  for (const std::string& id : ids) *request.add_products() = Knowledge(id);
  return request;
}

std::vector<std::string> ProductIds(const v1::RoomKnowledge& room) {
  std::vector<std::string> ids;
  for (const auto& entry : room.products()) ids.push_back(entry.product().id());
  return ids;
}

class RoomRegistryTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  RoomRegistry registry_{RoomRegistryOptions{.clock = [this] { return now_; }}};
};

TEST_F(RoomRegistryTest, SetCreatesRoomAtVersionOneWithProductsSortedAndFirstCurrent) {
  auto result = registry_.Set(SetRequest({"sku-b", "sku-a", "sku-c"}));
  ASSERT_TRUE(result.ok()) << result.status();
  const v1::RoomKnowledge& room = *result->room;
  EXPECT_EQ(room.room_id(), "room-1");
  EXPECT_EQ(ProductIds(room), (std::vector<std::string>{"sku-a", "sku-b", "sku-c"}));
  EXPECT_EQ(room.current_product_id(), "sku-b");  // first of the request
  EXPECT_EQ(room.knowledge_version(), 1);
  EXPECT_EQ(room.update_time().seconds(), 1'700'000'000);
  EXPECT_TRUE(result->current_product_changed);
}

TEST_F(RoomRegistryTest, MergeUpsertsAndKeepsOtherProducts) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a", "sku-b"})).ok());
  now_ += absl::Seconds(5);
  v1::SetRoomKnowledgeRequest merge = SetRequest({"sku-c"}, /*merge=*/true);
  *merge.add_products() = Knowledge("sku-a", 9900);
  auto result = registry_.Set(merge);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(ProductIds(*result->room), (std::vector<std::string>{"sku-a", "sku-b", "sku-c"}));
  EXPECT_EQ(result->room->products(0).product().price().amount_minor(), 9900);
  EXPECT_EQ(result->room->current_product_id(), "sku-a");  // still in the room: kept
  EXPECT_FALSE(result->current_product_changed);
  EXPECT_EQ(result->room->knowledge_version(), 2);
  EXPECT_EQ(result->room->update_time().seconds(), 1'700'000'005);
}

TEST_F(RoomRegistryTest, ReplaceDropsOtherProductsAndMovesCurrentToFirstNewProduct) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a", "sku-b"})).ok());
  auto result = registry_.Set(SetRequest({"sku-d", "sku-c"}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(ProductIds(*result->room), (std::vector<std::string>{"sku-c", "sku-d"}));
  EXPECT_EQ(result->room->current_product_id(), "sku-d");
  EXPECT_TRUE(result->current_product_changed);
}

TEST_F(RoomRegistryTest, ExplicitCurrentProductMustBeInTheRoomAndFailureChangesNothing) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a"})).ok());
  v1::SetRoomKnowledgeRequest request = SetRequest({"sku-b"});
  request.set_current_product_id("sku-a");  // replaced away by this very request
  auto result = registry_.Set(request);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("current_product_id:"));
  auto room = registry_.Get("room-1");
  ASSERT_TRUE(room.ok());
  EXPECT_EQ((*room)->knowledge_version(), 1);
  EXPECT_EQ(ProductIds(**room), (std::vector<std::string>{"sku-a"}));
}

TEST_F(RoomRegistryTest, SetNamesTheInvalidField) {
  struct Case {
    std::string name;
    v1::SetRoomKnowledgeRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"bad room id", SetRequest({"sku-a"}), "room_id:"});
  cases.back().request.set_room_id("room 1");
  cases.push_back(
      {"duplicate", SetRequest({"sku-a", "sku-b", "sku-a"}), "products[2].product.id:"});
  cases.push_back({"no title", SetRequest({"sku-a", "sku-b"}), "products[1].product.title:"});
  cases.back().request.mutable_products(1)->mutable_product()->clear_title();
  cases.push_back({"no product id", SetRequest({"sku-a"}), "products[0].product.id:"});
  cases.back().request.mutable_products(0)->mutable_product()->clear_id();
  cases.push_back(
      {"bad currency", SetRequest({"sku-a"}), "products[0].product.price.currency_code:"});
  cases.back().request.mutable_products(0)->mutable_product()->mutable_price()->set_currency_code(
      "rmb");
  cases.push_back({"promotion", SetRequest({"sku-a"}), "products[0].promotions[0].description:"});
  cases.back().request.mutable_products(0)->add_promotions();
  cases.push_back({"faq answer", SetRequest({"sku-a"}), "products[0].faqs[0].answer:"});
  cases.back().request.mutable_products(0)->add_faqs()->set_question("能机洗吗");
  std::vector<std::string> many;
  for (int i = 0; i < 201; ++i) many.push_back(absl::StrCat("sku-", 1000 + i));
  cases.push_back({"too many", SetRequest(many), "products:"});
  for (const Case& c : cases) {
    auto result = registry_.Set(c.request);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.field)) << c.name;
  }
  EXPECT_EQ(registry_.Get("room-1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RoomRegistryTest, MergeMayNotGrowTheRoomBeyond200Products) {
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(absl::StrCat("sku-", 1000 + i));
  ASSERT_TRUE(registry_.Set(SetRequest(ids)).ok());
  auto result = registry_.Set(SetRequest({"sku-extra"}, /*merge=*/true));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), "products: the room would hold 201 products, at most 200");
  EXPECT_TRUE(registry_.Set(SetRequest({"sku-1000"}, /*merge=*/true)).ok());  // an update
}

TEST_F(RoomRegistryTest, GetDistinguishesMalformedAndUnknownRooms) {
  EXPECT_EQ(registry_.Get("").status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = registry_.Get("room-9");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("room_id:"));
}

TEST_F(RoomRegistryTest, SnapshotStaysConsistentWhileTheHostSwitchesProducts) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a", "sku-b"})).ok());
  RoomSnapshot before = *registry_.Get("room-1");
  v1::SwitchProduct to_b;
  to_b.set_product_id("sku-b");
  auto after = registry_.SwitchProduct("room-1", to_b);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(before->current_product_id(), "sku-a");
  EXPECT_EQ(before->knowledge_version(), 1);
  EXPECT_EQ((*after)->current_product_id(), "sku-b");
  EXPECT_EQ((*after)->knowledge_version(), 2);
}

TEST_F(RoomRegistryTest, SwitchProductRejectsUnknownAndMissingProducts) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a"})).ok());
  v1::SwitchProduct unknown;
  unknown.set_product_id("sku-x");
  auto result = registry_.SwitchProduct("room-1", unknown);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("switch_product.product_id:"));
  result = registry_.SwitchProduct("room-1", v1::SwitchProduct());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("switch_product.product:"));
  EXPECT_EQ(registry_.SwitchProduct("room-2", unknown).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ((*registry_.Get("room-1"))->knowledge_version(), 1);
}

TEST_F(RoomRegistryTest, SwitchProductWithInlineKnowledgeUpsertsIt) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-b"})).ok());
  v1::SwitchProduct inline_knowledge;
  *inline_knowledge.mutable_product_knowledge() = Knowledge("sku-a");
  auto result = registry_.SwitchProduct("room-1", inline_knowledge);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(ProductIds(**result), (std::vector<std::string>{"sku-a", "sku-b"}));
  EXPECT_EQ((*result)->current_product_id(), "sku-a");
}

TEST_F(RoomRegistryTest, StartSessionCreatesRoomFromInlineKnowledge) {
  v1::SessionStart start;
  start.set_room_id("room-7");
  *start.mutable_product_knowledge() = Knowledge("sku-a");
  auto room = registry_.StartSession(start);
  ASSERT_TRUE(room.ok()) << room.status();
  EXPECT_EQ((*room)->room_id(), "room-7");
  EXPECT_EQ((*room)->current_product_id(), "sku-a");
  EXPECT_EQ((*room)->knowledge_version(), 1);
}

TEST_F(RoomRegistryTest, StartSessionWithoutProductNeedsARoomWithCurrentProduct) {
  v1::SessionStart start;
  start.set_room_id("room-1");
  auto result = registry_.StartSession(start);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("start.product:"));
  EXPECT_EQ(registry_.Get("room-1").status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a"})).ok());
  result = registry_.StartSession(start);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ((*result)->current_product_id(), "sku-a");
  EXPECT_EQ((*result)->knowledge_version(), 1);  // nothing changed
}

TEST(RoomRegistryCatalogTest, StartSessionFallsBackToTheCatalogue) {
  RoomRegistry registry(RoomRegistryOptions{
      .clock = [] { return absl::UnixEpoch(); },
      .catalog = [](absl::string_view id) -> std::optional<common::v1::Product> {
        if (id != "sku-cat") return std::nullopt;
        return Knowledge("sku-cat").product();
      }});
  v1::SessionStart start;
  start.set_room_id("room-1");
  start.set_product_id("sku-cat");
  auto room = registry.StartSession(start);
  ASSERT_TRUE(room.ok()) << room.status();
  EXPECT_EQ(ProductIds(**room), (std::vector<std::string>{"sku-cat"}));
  EXPECT_EQ((*room)->current_product_id(), "sku-cat");

  start.set_product_id("sku-none");
  auto unknown = registry.StartSession(start);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("start.product_id:"));
}

TEST_F(RoomRegistryTest, MaskedUpdateChangesOnlyTheMaskedFieldsOfTheCurrentProduct) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a", "sku-b"})).ok());
  auto update = ParseText<v1::UpdateKnowledge>(
      "knowledge { product { price { amount_minor: 9900 currency_code: 'CNY' } } } "
      "update_mask { paths: 'product.price' }");
  auto result = registry_.UpdateKnowledge("room-1", update);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->product_id, "sku-a");
  const v1::ProductKnowledge* entry = FindProduct(*result->room, "sku-a");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->product().price().amount_minor(), 9900);
  EXPECT_EQ(entry->product().title(), "T恤");
  EXPECT_EQ(entry->shipping_info(), "48小时内发货");
  EXPECT_EQ(result->room->knowledge_version(), 2);
}

TEST_F(RoomRegistryTest, UnmaskedUpdateReplacesOrInsertsTheEntry) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a"})).ok());
  v1::UpdateKnowledge update;
  *update.mutable_knowledge() = Knowledge("sku-a", 100);
  update.mutable_knowledge()->clear_shipping_info();
  auto result = registry_.UpdateKnowledge("room-1", update);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(FindProduct(*result->room, "sku-a")->shipping_info(), "");

  *update.mutable_knowledge() = Knowledge("sku-new");
  result = registry_.UpdateKnowledge("room-1", update);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(ProductIds(*result->room), (std::vector<std::string>{"sku-a", "sku-new"}));
  EXPECT_EQ(result->room->current_product_id(), "sku-a");
}

TEST_F(RoomRegistryTest, UpdateNamesTheProblem) {
  ASSERT_TRUE(registry_.Set(SetRequest({"sku-a"})).ok());
  struct Case {
    std::string update;
    absl::StatusCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"update_mask { paths: 'product.colour' }", absl::StatusCode::kInvalidArgument,
       "update_knowledge.update_mask:"},
      {"knowledge { product { id: 'sku-x' } } update_mask { paths: 'shipping_info' }",
       absl::StatusCode::kNotFound, "update_knowledge.knowledge.product.id:"},
      {"update_mask { paths: 'product.title' }", absl::StatusCode::kInvalidArgument,
       "update_knowledge.knowledge.product.title:"},
      {"knowledge { product { id: 'sku-a' } }", absl::StatusCode::kInvalidArgument,
       "update_knowledge.knowledge.product.title:"},
  };
  for (const Case& c : cases) {
    auto result = registry_.UpdateKnowledge("room-1", ParseText<v1::UpdateKnowledge>(c.update));
    EXPECT_EQ(result.status().code(), c.code) << c.update;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.field)) << c.update;
  }
  EXPECT_EQ((*registry_.Get("room-1"))->knowledge_version(), 1);
  EXPECT_EQ(registry_.UpdateKnowledge("room-2", v1::UpdateKnowledge()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FindProductTest, FindsByBinarySearchOverSortedProducts) {
  v1::RoomKnowledge room;
  for (const char* id : {"a", "c", "e"}) *room.add_products() = Knowledge(id);
  ASSERT_NE(FindProduct(room, "c"), nullptr);
  EXPECT_EQ(FindProduct(room, "c")->product().id(), "c");
  EXPECT_EQ(FindProduct(room, "d"), nullptr);
  EXPECT_EQ(FindProduct(room, "z"), nullptr);
}

}  // namespace
}  // namespace aigc::copy_live
