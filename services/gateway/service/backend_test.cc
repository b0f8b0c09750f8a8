#include "services/gateway/service/backend.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::gateway {
namespace {

using ::testing::HasSubstr;

TEST(BackendTest, OneAddressIsUsedAsItIs) {
  auto spec = MakeChannelSpec({.target = "recommender:50051",
                               .service = "aigc.recommender.v1.RecommenderService",
                               .idempotent_methods = {"Recommend"}});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->target, "recommender:50051");
  EXPECT_THAT(spec->service_config_json, HasSubstr(R"("round_robin")"));
  EXPECT_THAT(
      spec->service_config_json,
      HasSubstr(R"({"service":"aigc.recommender.v1.RecommenderService","method":"Recommend"})"));
  EXPECT_THAT(spec->service_config_json, HasSubstr(R"("maxAttempts":3)"));
}

TEST(BackendTest, SeveralAddressesAreSpreadRoundRobin) {
  auto spec = MakeChannelSpec({.target = "10.0.0.1:50051,10.0.0.2:50051", .service = "s"});
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->target, "ipv4:10.0.0.1:50051,10.0.0.2:50051");
  EXPECT_THAT(spec->service_config_json, ::testing::Not(HasSubstr("retryPolicy")));
}

TEST(BackendTest, BadTargetsAreRefused) {
  EXPECT_THAT(MakeChannelSpec({.target = " "}).status().message(), HasSubstr("target"));
  EXPECT_THAT(MakeChannelSpec({.target = "a:1,b:2"}).status().message(), HasSubstr("ip:port"));
  EXPECT_THAT(MakeChannelSpec({.target = "10.0.0.1:99999,10.0.0.2:1"}).status().message(),
              HasSubstr("ip:port"));
  EXPECT_FALSE(MakeChannelSpec({.target = "a:1", .max_attempts = 9}).ok());
}

}  // namespace
}  // namespace aigc::gateway
