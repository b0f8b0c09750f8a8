#include "services/recommender/service/batch_error.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

struct FieldPathCase {
  std::string message;
  std::string field;
};

class FieldPathOfTest : public ::testing::TestWithParam<FieldPathCase> {};

TEST_P(FieldPathOfTest, IsTheTextBeforeTheFirstSeparatorOutsideBrackets) {
  EXPECT_EQ(FieldPathOf(GetParam().message), GetParam().field);
}

INSTANTIATE_TEST_SUITE_P(
    Messages, FieldPathOfTest,
    ::testing::Values(FieldPathCase{"events[3].rating: must be in [0.5, 5.0], got 7",
                                    "events[3].rating"},
                      FieldPathCase{"items[0].price.currency_code: must be 3 letters",
                                    "items[0].price.currency_code"},
                      // An attribute key may itself hold ": ".
                      FieldPathCase{"items[4].attributes[a: b]: key must be 1..64 characters",
                                    "items[4].attributes[a: b]"},
                      FieldPathCase{"no separator here", "no separator here"},
                      FieldPathCase{"ends with a colon:", "ends with a colon:"},
                      FieldPathCase{"", ""}));

TEST(MakeBatchErrorTest, CarriesIndexIdFieldCodeNumberAndWholeMessage) {
  const v1::BatchError error =
      MakeBatchError(7, "e-7", absl::NotFoundError("events[7].item_id: item \"x\" is unknown"));
  EXPECT_EQ(error.index(), 7);
  EXPECT_EQ(error.id(), "e-7");
  EXPECT_EQ(error.field(), "events[7].item_id");
  EXPECT_EQ(error.status().code(), 5);
  EXPECT_EQ(error.status().message(), "events[7].item_id: item \"x\" is unknown");
}

TEST(MakeBatchErrorTest, InvalidArgumentIsCodeThree) {
  EXPECT_EQ(
      MakeBatchError(0, "", absl::InvalidArgumentError("items[0].title: required")).status().code(),
      3);
}

}  // namespace
}  // namespace aigc::recommender
