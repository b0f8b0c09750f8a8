#include "services/recommender/serving/experiments.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using ::testing::HasSubstr;

v1::ExperimentsConfig OneExperiment(double traffic, double ease_weight, double als_weight) {
  v1::ExperimentsConfig config;
  v1::Experiment* experiment = config.add_experiments();
  experiment->set_id("rec_algo");
  experiment->set_traffic(traffic);
  v1::ExperimentVariant* ease = experiment->add_variants();
  ease->set_name("ease");
  ease->set_weight(ease_weight);
  ease->set_algorithm(v1::ALGORITHM_EASE);
  ease->set_diversity_lambda(0.7f);
  v1::ExperimentVariant* als = experiment->add_variants();
  als->set_name("als");
  als->set_weight(als_weight);
  als->set_algorithm(v1::ALGORITHM_ALS);
  return config;
}

TEST(ExperimentsTest, BucketsAreStableFnv1aOfExperimentAndUser) {
  // FNV-1a 64 of "e:u" is 0xc3f21418f12e62c1 (computed independently, in
  // Python); modulo 10000 that is 5889.
  EXPECT_EQ(Experiments::Bucket("e", "u"), 5889);
  EXPECT_EQ(Experiments::Bucket("e", "u"), Experiments::Bucket("e", "u"));
  EXPECT_NE(Experiments::Bucket("e", "u"), Experiments::Bucket("f", "u"));
}

TEST(ExperimentsTest, TrafficAndWeightsShareOutUsers) {
  auto experiments = Experiments::FromConfig(OneExperiment(0.5, 1, 3));
  ASSERT_TRUE(experiments.ok()) << experiments.status();
  int none = 0, ease = 0, als = 0;
  for (int u = 0; u < 10000; ++u) {
    auto assignment = experiments->Assign(absl::StrCat("user", u), {});
    ASSERT_TRUE(assignment.ok());
    if (!assignment->has_value()) {
      ++none;
    } else if ((*assignment)->variant == "ease") {
      ++ease;
      EXPECT_EQ((*assignment)->algorithm, v1::ALGORITHM_EASE);
      EXPECT_EQ((*assignment)->diversity_lambda, 0.7f);
    } else {
      ++als;
    }
  }
  // Half the users, a quarter of them on EASE; a hash spreads them within 2 %.
  EXPECT_NEAR(none, 5000, 200);
  EXPECT_NEAR(ease, 1250, 200);
  EXPECT_NEAR(als, 3750, 200);
}

TEST(ExperimentsTest, AUserKeepsTheirVariant) {
  auto experiments = Experiments::FromConfig(OneExperiment(1.0, 1, 1));
  ASSERT_TRUE(experiments.ok());
  const auto first = experiments->Assign("u42", {});
  for (int n = 0; n < 10; ++n)
    EXPECT_EQ((*experiments->Assign("u42", {}))->variant, (*first)->variant);
}

TEST(ExperimentsTest, TagsForceAVariant) {
  auto experiments = Experiments::FromConfig(OneExperiment(0.0001, 1, 1));
  ASSERT_TRUE(experiments.ok());
  google::protobuf::Map<std::string, std::string> tags;
  tags["other_service_test"] = "x";  // unknown experiments are ignored
  tags["rec_algo"] = "als";
  auto forced = experiments->Assign("anyone", tags);
  ASSERT_TRUE(forced.ok());
  ASSERT_TRUE(forced->has_value());
  EXPECT_EQ((*forced)->variant, "als");
  tags["rec_algo"] = "bpr";
  const auto unknown = experiments->Assign("anyone", tags);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("metadata.experiment_tags[rec_algo]:"));
}

TEST(ExperimentsTest, BadConfigsNameTheField) {
  const std::vector<std::pair<std::string, std::function<void(v1::ExperimentsConfig&)>>> cases = {
      {"experiments[0].id",
       [](v1::ExperimentsConfig& c) { c.mutable_experiments(0)->set_id("Bad Id"); }},
      {"experiments[0].traffic",
       [](v1::ExperimentsConfig& c) { c.mutable_experiments(0)->set_traffic(0); }},
      {"experiments[0].variants[1].weight",
       [](v1::ExperimentsConfig& c) {
         c.mutable_experiments(0)->mutable_variants(1)->set_weight(-1);
       }},
      {"experiments[0].variants[1].name",
       [](v1::ExperimentsConfig& c) {
         c.mutable_experiments(0)->mutable_variants(1)->set_name("ease");
       }},
      {"experiments[0].variants[0].algorithm",
       [](v1::ExperimentsConfig& c) {
         c.mutable_experiments(0)->mutable_variants(0)->clear_algorithm();
       }},
      {"experiments[1].id",
       [](v1::ExperimentsConfig& c) { *c.add_experiments() = c.experiments(0); }},
  };
  for (const auto& [field, break_it] : cases) {
    v1::ExperimentsConfig config = OneExperiment(1, 1, 1);
    break_it(config);
    const auto experiments = Experiments::FromConfig(config);
    EXPECT_EQ(experiments.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(experiments.status().message(), HasSubstr(field + ":"));
  }
}

TEST(ExperimentsTest, ReadsTheJsonFile) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "experiments.json";
  std::ofstream(path) << R"({"experiments": [{"id": "rec_algo", "traffic": 1,
      "variants": [{"name": "ease", "weight": 1, "algorithm": "ALGORITHM_EASE"}]}]})";
  auto experiments = Experiments::FromJsonFile(path);
  ASSERT_TRUE(experiments.ok()) << experiments.status();
  EXPECT_EQ((*experiments->Assign("u1", {}))->algorithm, v1::ALGORITHM_EASE);
  std::ofstream(path) << "{not json";
  EXPECT_EQ(Experiments::FromJsonFile(path).status().code(), absl::StatusCode::kInvalidArgument);
  std::filesystem::remove(path);
  EXPECT_EQ(Experiments::FromJsonFile(path).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace aigc::recommender
