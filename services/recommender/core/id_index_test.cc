#include "services/recommender/core/id_index.h"

#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

TEST(IdIndexTest, AssignsConsecutiveIndicesInInsertionOrder) {
  IdIndex index;
  EXPECT_EQ(index.Add("m31"), 0);
  EXPECT_EQ(index.Add("m7"), 1);
  EXPECT_EQ(index.Add("m31"), 0);
  EXPECT_EQ(index.size(), 2);
  EXPECT_EQ(index.Id(1), "m7");
  EXPECT_EQ(index.Find("m7"), 1);
  EXPECT_EQ(index.Find("m8"), -1);
}

TEST(IdIndexTest, BuildsFromAListKeepingTheFirstOfDuplicates) {
  const IdIndex index({"b", "a", "b"});
  EXPECT_EQ(index.ids(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(index.Find("a"), 1);
}

}  // namespace
}  // namespace aigc::recommender
