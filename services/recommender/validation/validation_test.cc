#include "services/recommender/validation/validation.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/validation/testing/field_checks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

using common::v1::Product;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

using validation::testing::Chars;
using validation::testing::ExpectInvalidField;

// --- Ids ------------------------------------------------------------------------

TEST(IdValidationTest, AcceptsEveryAllowedCharacterUpTo128) {
  const std::string all_classes = "AZaz09_.:-";
  EXPECT_TRUE(ValidateUserId("user_id", all_classes).ok());
  EXPECT_TRUE(ValidateItemId("item_id", "x").ok());
  EXPECT_TRUE(ValidateItemId("item_id", absl::StrCat(all_classes, Chars(118))).ok());
}

TEST(IdValidationTest, RejectsEmptyLongAndDisallowedIdsNamingTheGivenField) {
  const std::vector<std::string> bad = {
      "", Chars(129), "has space", "a/b", "用户", "tab\t", std::string("nul\0", 4)};
  for (const std::string& id : bad) {
    SCOPED_TRACE(id);
    ExpectInvalidField(ValidateUserId("pairs[4].user_id", id), "pairs[4].user_id");
    ExpectInvalidField(ValidateItemId("item_id", id), "item_id");
  }
  EXPECT_EQ(ValidateUserId("user_id", "").message(), "user_id: required");
  EXPECT_THAT(ValidateItemId("item_id", Chars(129)).message(), ::testing::HasSubstr("got 129"));
}

// --- Events ---------------------------------------------------------------------

v1::Event ValidEvent() {
  v1::Event event;
  event.set_user_id("u-1");
  event.set_item_id("sku-1");
  event.set_type(v1::EVENT_TYPE_VIEW);
  return event;
}

struct EventCase {
  std::string name;
  std::function<void(v1::Event&)> change;
  // Field path expected in the message; empty = the event is valid.
  std::string field;
};

void SetTime(v1::Event& event, absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  event.mutable_event_time()->set_seconds(seconds);
  event.mutable_event_time()->set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

void MakeRating(v1::Event& event, float rating) {
  event.set_type(v1::EVENT_TYPE_RATING);
  event.set_rating(rating);
}

TEST(EventValidationTest, EachRejectedEventNamesItsField) {
  const std::vector<EventCase> cases = {
      {"event_id over 128", [](v1::Event& e) { e.set_event_id(Chars(129)); }, "events[3].event_id"},
      {"event_id over 128 code points", [](v1::Event& e) { e.set_event_id(Chars(129, "事")); },
       "events[3].event_id"},
      {"user_id empty", [](v1::Event& e) { e.clear_user_id(); }, "events[3].user_id"},
      {"user_id disallowed", [](v1::Event& e) { e.set_user_id("a b"); }, "events[3].user_id"},
      {"user_id over 128", [](v1::Event& e) { e.set_user_id(Chars(129)); }, "events[3].user_id"},
      {"item_id empty", [](v1::Event& e) { e.clear_item_id(); }, "events[3].item_id"},
      {"item_id disallowed", [](v1::Event& e) { e.set_item_id("sku/1"); }, "events[3].item_id"},
      {"type unspecified", [](v1::Event& e) { e.set_type(v1::EVENT_TYPE_UNSPECIFIED); },
       "events[3].type"},
      {"type unknown", [](v1::Event& e) { e.set_type(static_cast<v1::EventType>(42)); },
       "events[3].type"},
      {"event_time 5 min + 1 ns ahead",
       [](v1::Event& e) { SetTime(e, kNow + absl::Minutes(5) + absl::Nanoseconds(1)); },
       "events[3].event_time"},
      {"event_time before 1970", [](v1::Event& e) { e.mutable_event_time()->set_seconds(-1); },
       "events[3].event_time"},
      {"event_time negative nanos", [](v1::Event& e) { e.mutable_event_time()->set_nanos(-1); },
       "events[3].event_time"},
      {"event_time nanos of a whole second",
       [](v1::Event& e) { e.mutable_event_time()->set_nanos(1'000'000'000); },
       "events[3].event_time"},
      {"rating missing", [](v1::Event& e) { e.set_type(v1::EVENT_TYPE_RATING); },
       "events[3].rating"},
      {"rating below 0.5", [](v1::Event& e) { MakeRating(e, 0.49f); }, "events[3].rating"},
      {"rating zero", [](v1::Event& e) { MakeRating(e, 0.0f); }, "events[3].rating"},
      {"rating above 5", [](v1::Event& e) { MakeRating(e, 5.01f); }, "events[3].rating"},
      {"rating NaN", [](v1::Event& e) { MakeRating(e, std::numeric_limits<float>::quiet_NaN()); },
       "events[3].rating"},
      {"rating on a view", [](v1::Event& e) { e.set_rating(4.0f); }, "events[3].rating"},
      {"rating on a purchase",
       [](v1::Event& e) {
         e.set_type(v1::EVENT_TYPE_PURCHASE);
         e.set_rating(4.0f);
       },
       "events[3].rating"},
      {"quantity negative",
       [](v1::Event& e) {
         e.set_type(v1::EVENT_TYPE_PURCHASE);
         e.set_quantity(-1);
       },
       "events[3].quantity"},
      {"quantity over 10000",
       [](v1::Event& e) {
         e.set_type(v1::EVENT_TYPE_ADD_TO_CART);
         e.set_quantity(10001);
       },
       "events[3].quantity"},
      {"quantity on a view", [](v1::Event& e) { e.set_quantity(1); }, "events[3].quantity"},
      {"quantity on a rating",
       [](v1::Event& e) {
         MakeRating(e, 3.0f);
         e.set_quantity(2);
       },
       "events[3].quantity"},
      {"context request id over 128",
       [](v1::Event& e) { e.mutable_context()->set_recommendation_request_id(Chars(129)); },
       "events[3].context.recommendation_request_id"},
      {"context position negative", [](v1::Event& e) { e.mutable_context()->set_position(-1); },
       "events[3].context.position"},
      {"context surface upper case", [](v1::Event& e) { e.mutable_context()->set_surface("Home"); },
       "events[3].context.surface"},
      {"context surface hyphen",
       [](v1::Event& e) { e.mutable_context()->set_surface("home-feed"); },
       "events[3].context.surface"},
      {"context surface over 64", [](v1::Event& e) { e.mutable_context()->set_surface(Chars(65)); },
       "events[3].context.surface"},
  };
  for (const EventCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Event event = ValidEvent();
    c.change(event);
    ExpectInvalidField(ValidateEvent(event, 3, kNow), c.field);
  }
}

TEST(EventValidationTest, MessagesStateTheBoundAndTheValue) {
  v1::Event event = ValidEvent();
  MakeRating(event, 7.0f);
  EXPECT_EQ(ValidateEvent(event, 3, kNow).message(),
            "events[3].rating: must be in [0.5, 5.0], got 7");
  event = ValidEvent();
  event.set_type(v1::EVENT_TYPE_PURCHASE);
  event.set_quantity(10001);
  EXPECT_EQ(ValidateEvent(event, 0, kNow).message(),
            "events[0].quantity: must be in [1, 10000] (0 = 1), got 10001");
  event = ValidEvent();
  event.set_quantity(2);
  EXPECT_EQ(ValidateEvent(event, 1, kNow).message(),
            "events[1].quantity: must be 0 for EVENT_TYPE_VIEW, got 2");
  event = ValidEvent();
  event.set_type(v1::EVENT_TYPE_RATING);
  EXPECT_EQ(ValidateEvent(event, 12, kNow).message(),
            "events[12].rating: required for EVENT_TYPE_RATING");
}

TEST(EventValidationTest, ExactBoundsAreAccepted) {
  const std::vector<EventCase> cases = {
      {"minimal view", [](v1::Event&) {}, ""},
      {"every type", [](v1::Event& e) { e.set_type(v1::EVENT_TYPE_CLICK); }, ""},
      {"128-character ids",
       [](v1::Event& e) {
         e.set_user_id(Chars(128, "Z"));
         e.set_item_id(Chars(128, "9"));
       },
       ""},
      {"event_id of 128 code points", [](v1::Event& e) { e.set_event_id(Chars(128, "事")); }, ""},
      {"event_time exactly 5 min ahead", [](v1::Event& e) { SetTime(e, kNow + absl::Minutes(5)); },
       ""},
      {"event_time at the epoch", [](v1::Event& e) { e.mutable_event_time()->set_seconds(0); }, ""},
      {"event_time of a 1996 MovieLens rating",
       [](v1::Event& e) { e.mutable_event_time()->set_seconds(838'000'000); }, ""},
      {"rating 0.5", [](v1::Event& e) { MakeRating(e, 0.5f); }, ""},
      {"rating 5.0", [](v1::Event& e) { MakeRating(e, 5.0f); }, ""},
      {"rating between half stars", [](v1::Event& e) { MakeRating(e, 3.7f); }, ""},
      {"quantity 0 on a cart", [](v1::Event& e) { e.set_type(v1::EVENT_TYPE_ADD_TO_CART); }, ""},
      {"quantity 10000 on a purchase",
       [](v1::Event& e) {
         e.set_type(v1::EVENT_TYPE_PURCHASE);
         e.set_quantity(10000);
       },
       ""},
      {"full context",
       [](v1::Event& e) {
         e.mutable_context()->set_recommendation_request_id(Chars(128, "f"));
         e.mutable_context()->set_position(0);
         e.mutable_context()->set_surface(absl::StrCat(Chars(62, "a"), "_0"));
       },
       ""},
  };
  for (const EventCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Event event = ValidEvent();
    c.change(event);
    const absl::Status status = ValidateEvent(event, 0, kNow);
    EXPECT_TRUE(status.ok()) << status;
  }
}

TEST(NormalizeEventTest, UnsetEventTimeBecomesNow) {
  const absl::Time now = kNow + absl::Milliseconds(250);
  const v1::Event event = NormalizeEvent(ValidEvent(), now);
  EXPECT_EQ(event.event_time().seconds(), 1'700'000'000);
  EXPECT_EQ(event.event_time().nanos(), 250'000'000);

  v1::Event dated = ValidEvent();
  dated.mutable_event_time()->set_seconds(838'000'000);
  EXPECT_EQ(NormalizeEvent(dated, now).event_time().seconds(), 838'000'000);
  EXPECT_EQ(NormalizeEvent(dated, now).event_time().nanos(), 0);
}

TEST(NormalizeEventTest, RatingsRoundToTheNearestHalfStar) {
  // {input, expected}: 4.75 and 4.25 sit exactly halfway and round up.
  const std::vector<std::pair<float, float>> cases = {
      {0.5f, 0.5f},  {0.7f, 0.5f},  {0.8f, 1.0f},  {3.2f, 3.0f}, {3.3f, 3.5f},
      {4.25f, 4.5f}, {4.74f, 4.5f}, {4.75f, 5.0f}, {4.9f, 5.0f}, {5.0f, 5.0f}};
  for (const auto& [input, expected] : cases) {
    v1::Event event = ValidEvent();
    MakeRating(event, input);
    EXPECT_EQ(NormalizeEvent(event, kNow).rating(), expected) << input;
  }
}

TEST(NormalizeEventTest, ZeroQuantityBecomesOneOnlyForCartAndPurchase) {
  for (const v1::EventType type : {v1::EVENT_TYPE_ADD_TO_CART, v1::EVENT_TYPE_PURCHASE}) {
    v1::Event event = ValidEvent();
    event.set_type(type);
    EXPECT_EQ(NormalizeEvent(event, kNow).quantity(), 1) << type;
    event.set_quantity(7);
    EXPECT_EQ(NormalizeEvent(event, kNow).quantity(), 7) << type;
  }
  const v1::Event view = NormalizeEvent(ValidEvent(), kNow);
  EXPECT_EQ(view.quantity(), 0);
  EXPECT_FALSE(view.has_rating());
}

// --- Filters, count, lambda -------------------------------------------------------

struct FilterCase {
  std::string name;
  std::function<void(v1::ItemFilter&)> change;
  std::string field;
};

void SetMoney(common::v1::Money* money, int64_t amount, const std::string& currency) {
  money->set_amount_minor(amount);
  money->set_currency_code(currency);
}

TEST(ItemFilterValidationTest, EachRejectedFilterNamesItsField) {
  using common::v1::Category;
  using common::v1::ItemKind;
  const std::vector<FilterCase> cases = {
      {"11 include categories",
       [](v1::ItemFilter& f) {
         for (int i = 0; i < 11; ++i) f.add_include_categories(common::v1::CATEGORY_DRESS);
       },
       "filter.include_categories"},
      {"include category unspecified",
       [](v1::ItemFilter& f) {
         f.add_include_categories(common::v1::CATEGORY_DRESS);
         f.add_include_categories(common::v1::CATEGORY_UNSPECIFIED);
       },
       "filter.include_categories[1]"},
      {"include category unknown",
       [](v1::ItemFilter& f) { f.add_include_categories(static_cast<Category>(11)); },
       "filter.include_categories[0]"},
      {"11 exclude categories",
       [](v1::ItemFilter& f) {
         for (int i = 0; i < 11; ++i) f.add_exclude_categories(common::v1::CATEGORY_BAG);
       },
       "filter.exclude_categories"},
      {"exclude category unspecified",
       [](v1::ItemFilter& f) { f.add_exclude_categories(common::v1::CATEGORY_UNSPECIFIED); },
       "filter.exclude_categories[0]"},
      {"min price currency malformed",
       [](v1::ItemFilter& f) { SetMoney(f.mutable_price_range()->mutable_min_price(), 1, "usd"); },
       "filter.price_range.min_price.currency_code"},
      {"min price currency missing",
       [](v1::ItemFilter& f) { SetMoney(f.mutable_price_range()->mutable_min_price(), 1, ""); },
       "filter.price_range.min_price.currency_code"},
      {"max price negative",
       [](v1::ItemFilter& f) { SetMoney(f.mutable_price_range()->mutable_max_price(), -5, "CNY"); },
       "filter.price_range.max_price.amount_minor"},
      {"mixed currencies",
       [](v1::ItemFilter& f) {
         SetMoney(f.mutable_price_range()->mutable_min_price(), 100, "CNY");
         SetMoney(f.mutable_price_range()->mutable_max_price(), 200, "USD");
       },
       "filter.price_range"},
      {"max below min",
       [](v1::ItemFilter& f) {
         SetMoney(f.mutable_price_range()->mutable_min_price(), 5000, "CNY");
         SetMoney(f.mutable_price_range()->mutable_max_price(), 4999, "CNY");
       },
       "filter.price_range.max_price"},
      {"21 include tags",
       [](v1::ItemFilter& f) {
         for (int i = 0; i < 21; ++i) f.add_include_tags("Comedy");
       },
       "filter.include_tags"},
      {"empty include tag", [](v1::ItemFilter& f) { f.add_include_tags(""); },
       "filter.include_tags[0]"},
      {"exclude tag over 64",
       [](v1::ItemFilter& f) {
         f.add_exclude_tags("Horror");
         f.add_exclude_tags(Chars(65, "标"));
       },
       "filter.exclude_tags[1]"},
      {"21 exclude tags",
       [](v1::ItemFilter& f) {
         for (int i = 0; i < 21; ++i) f.add_exclude_tags("Drama");
       },
       "filter.exclude_tags"},
      {"include kind unspecified",
       [](v1::ItemFilter& f) {
         f.add_include_kinds(common::v1::ITEM_KIND_MOVIE);
         f.add_include_kinds(common::v1::ITEM_KIND_UNSPECIFIED);
       },
       "filter.include_kinds[1]"},
      {"include kind unknown",
       [](v1::ItemFilter& f) { f.add_include_kinds(static_cast<ItemKind>(5)); },
       "filter.include_kinds[0]"},
      {"1001 excluded ids",
       [](v1::ItemFilter& f) {
         for (int i = 0; i < 1001; ++i) f.add_exclude_item_ids(absl::StrCat("sku-", i));
       },
       "filter.exclude_item_ids"},
  };
  for (const FilterCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ItemFilter filter;
    c.change(filter);
    ExpectInvalidField(ValidateItemFilter(filter, "filter"), c.field);
  }
}

TEST(ItemFilterValidationTest, TheFieldPrefixIsTheCallers) {
  v1::ItemFilter filter;
  filter.add_include_kinds(common::v1::ITEM_KIND_UNSPECIFIED);
  EXPECT_EQ(ValidateItemFilter(filter, "requests[2].filter").message(),
            "requests[2].filter.include_kinds[0]: ITEM_KIND_UNSPECIFIED is not allowed");
}

TEST(ItemFilterValidationTest, ExactBoundsAreAccepted) {
  EXPECT_TRUE(ValidateItemFilter(v1::ItemFilter(), "filter").ok());

  v1::ItemFilter filter;
  for (int c = 1; c <= 10; ++c) {
    filter.add_include_categories(static_cast<common::v1::Category>(c));
    filter.add_exclude_categories(static_cast<common::v1::Category>(c));
  }
  SetMoney(filter.mutable_price_range()->mutable_min_price(), 0, "CNY");
  SetMoney(filter.mutable_price_range()->mutable_max_price(), 0, "CNY");
  for (int i = 0; i < 20; ++i) {
    filter.add_include_tags(Chars(64, "标"));
    filter.add_exclude_tags("Horror");
  }
  for (int k = 1; k <= 3; ++k) filter.add_include_kinds(static_cast<common::v1::ItemKind>(k));
  // Entries are not checked: unknown or odd ids are simply ignored later.
  for (int i = 0; i < 1000; ++i) filter.add_exclude_item_ids(i == 0 ? "not an id" : "sku");
  filter.set_exclude_seen(false);
  filter.set_in_stock_only(true);
  absl::Status status = ValidateItemFilter(filter, "filter");
  EXPECT_TRUE(status.ok()) << status;

  v1::ItemFilter only_max;
  SetMoney(only_max.mutable_price_range()->mutable_max_price(), 19900, "USD");
  status = ValidateItemFilter(only_max, "filter");
  EXPECT_TRUE(status.ok()) << status;
}

TEST(CountValidationTest, ZeroMeansTenAndOneToTwoHundredPassThrough) {
  const std::vector<std::pair<int32_t, int32_t>> cases = {{0, 10}, {1, 1}, {57, 57}, {200, 200}};
  for (const auto& [count, expected] : cases) {
    absl::StatusOr<int32_t> resolved = ValidateCount(count);
    ASSERT_TRUE(resolved.ok()) << count << ": " << resolved.status();
    EXPECT_EQ(*resolved, expected);
  }
}

TEST(CountValidationTest, NegativeAndAboveTwoHundredAreRejected) {
  for (const int32_t count :
       {-1, 201, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    ExpectInvalidField(ValidateCount(count).status(), "count");
  }
  EXPECT_EQ(ValidateCount(201).status().message(), "count: must be in [1, 200] (0 = 10), got 201");
}

TEST(DiversityLambdaValidationTest, OnlyTheClosedUnitIntervalPasses) {
  for (const float lambda : {0.0f, 0.5f, 1.0f}) {
    EXPECT_TRUE(ValidateDiversityLambda(lambda).ok()) << lambda;
  }
  for (const float lambda : {-0.01f, 1.01f, std::numeric_limits<float>::quiet_NaN(),
                             std::numeric_limits<float>::infinity()}) {
    ExpectInvalidField(ValidateDiversityLambda(lambda), "diversity_lambda");
  }
  EXPECT_EQ(ValidateDiversityLambda(1.5f).message(),
            "diversity_lambda: must be in [0, 1], got 1.5");
}

}  // namespace
}  // namespace aigc::recommender
