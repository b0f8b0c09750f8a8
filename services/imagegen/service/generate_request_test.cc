#include "services/imagegen/service/generate_request.h"

#include <cmath>
#include <limits>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

using ::testing::HasSubstr;

v1::GenerateRequest Valid() {
  v1::GenerateRequest request;
  request.set_category(common::v1::CATEGORY_DRESS);
  request.set_count(4);
  return request;
}

TEST(GenerateRequestTest, FillsDefaults) {
  auto spec = ResolveImageSpec(Valid(), /*random_seed=*/99);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->label, 3);
  EXPECT_EQ(spec->count, 4);
  EXPECT_EQ(spec->seed, 99u);
  EXPECT_EQ(spec->truncation, kDefaultTruncation);
  EXPECT_EQ(spec->size, v1::SIZE_28);
  EXPECT_EQ(spec->side, 28);
}

TEST(GenerateRequestTest, TakesWhatTheRequestSets) {
  v1::GenerateRequest request = Valid();
  request.set_seed(0);  // set to zero is still set
  request.set_truncation(0.5f);
  request.set_size(v1::SIZE_112);
  request.set_format(v1::IMAGE_FORMAT_PNG);
  auto spec = ResolveImageSpec(request, 99);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->seed, 0u);
  EXPECT_EQ(spec->truncation, 0.5f);
  EXPECT_EQ(spec->side, 112);
}

TEST(GenerateRequestTest, TheStreamRequestResolvesTheSame) {
  v1::GenerateStreamRequest stream;
  ASSERT_TRUE(stream.ParseFromString(Valid().SerializeAsString()));
  auto spec = ResolveImageSpec(stream, 7);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->label, 3);
  EXPECT_EQ(spec->count, 4);
}

void ExpectInvalid(const v1::GenerateRequest& request, const std::string& field) {
  const absl::Status status = ResolveImageSpec(request, 1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_THAT(status.message(), HasSubstr(field + ":"));
}

TEST(GenerateRequestTest, BadFieldsAreNamed) {
  v1::GenerateRequest request = Valid();
  request.clear_category();
  ExpectInvalid(request, "category");
  request.set_category(static_cast<common::v1::Category>(42));
  ExpectInvalid(request, "category");
  for (const int count : {0, -1, kMaxImagesPerRequest + 1}) {
    request = Valid();
    request.set_count(count);
    ExpectInvalid(request, "count");
  }
  for (const float truncation : {0.0f, -1.0f, 4.5f, std::numeric_limits<float>::quiet_NaN()}) {
    request = Valid();
    request.set_truncation(truncation);
    ExpectInvalid(request, "truncation");
  }
  request = Valid();
  request.set_size(static_cast<v1::Size>(7));
  ExpectInvalid(request, "size");
  request = Valid();
  request.set_format(static_cast<v1::ImageFormat>(2));
  ExpectInvalid(request, "format");
}

TEST(GenerateRequestTest, RegenerationSeedsAreFixedAndDistinct) {
  std::set<uint64_t> seeds;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    EXPECT_EQ(RegenerationSeed(5, attempt), RegenerationSeed(5, attempt));
    for (uint64_t seed = 5; seed < 5 + kMaxImagesPerRequest; ++seed) {
      seeds.insert(RegenerationSeed(seed, attempt));
    }
  }
  EXPECT_EQ(seeds.size(), 3u * kMaxImagesPerRequest);
  for (uint64_t seed = 5; seed < 5 + kMaxImagesPerRequest; ++seed) EXPECT_EQ(seeds.count(seed), 0u);
}

}  // namespace
}  // namespace aigc::imagegen
