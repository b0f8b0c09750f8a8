#include "common/rpc/request_context.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace aigc::rpc {
namespace {

using common::v1::RequestMetadata;

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(ResolveRequestIdTest, EchoesTheCallersId) {
  RequestMetadata metadata;
  metadata.set_request_id("trace-42 /checkout");
  EXPECT_EQ(ResolveRequestId(metadata).value_or(""), "trace-42 /checkout");
}

TEST(ResolveRequestIdTest, GeneratesThirtyTwoHexDigitsWhenUnset) {
  const absl::StatusOr<std::string> first = ResolveRequestId(RequestMetadata());
  const absl::StatusOr<std::string> second = ResolveRequestId(RequestMetadata());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->size(), 32u);
  EXPECT_TRUE(IsLowerHex(*first)) << *first;
  EXPECT_NE(*first, *second);
}

TEST(ResolveRequestIdTest, AcceptsExactly128Characters) {
  RequestMetadata metadata;
  metadata.set_request_id(std::string(128, 'r'));
  EXPECT_TRUE(ResolveRequestId(metadata).ok());
}

struct BadMetadataCase {
  std::string label;
  RequestMetadata metadata;
  std::string field;
};

RequestMetadata WithRequestId(std::string id) {
  RequestMetadata metadata;
  metadata.set_request_id(std::move(id));
  return metadata;
}

RequestMetadata WithClientName(std::string name) {
  RequestMetadata metadata;
  metadata.set_client_name(std::move(name));
  return metadata;
}

RequestMetadata WithTags(int count, const std::string& value) {
  RequestMetadata metadata;
  for (int i = 0; i < count; ++i) {
    (*metadata.mutable_experiment_tags())[absl::StrCat("exp", i)] = value;
  }
  return metadata;
}

class BadMetadataTest : public ::testing::TestWithParam<BadMetadataCase> {};

TEST_P(BadMetadataTest, IsInvalidArgumentNamingTheField) {
  const absl::StatusOr<std::string> id = ResolveRequestId(GetParam().metadata);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(id.status().message(), GetParam().field + ": ")) << id.status();
}

std::string RepeatChar(const std::string& c, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += c;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadMetadataTest,
    ::testing::Values(
        BadMetadataCase{"RequestIdOf129", WithRequestId(std::string(129, 'r')),
                        "metadata.request_id"},
        BadMetadataCase{"RequestIdWithTab", WithRequestId("a\tb"), "metadata.request_id"},
        BadMetadataCase{"RequestIdWithDel", WithRequestId("a\x7f"), "metadata.request_id"},
        BadMetadataCase{"RequestIdNotAscii", WithRequestId("请求"), "metadata.request_id"},
        // 65 characters of 3 UTF-8 bytes each.
        BadMetadataCase{"ClientNameOf65", WithClientName(RepeatChar("名", 65)),
                        "metadata.client_name"},
        BadMetadataCase{"SeventeenTags", WithTags(17, "a"), "metadata.experiment_tags"},
        BadMetadataCase{"EmptyTagValue", WithTags(1, ""), "metadata.experiment_tags[exp0]"}),
    [](const auto& info) { return info.param.label; });

TEST(ResolveRequestIdTest, AcceptsBoundsOfClientNameAndTags) {
  RequestMetadata metadata = WithTags(16, std::string(64, 'v'));
  metadata.set_client_name(RepeatChar("名", 64));
  metadata.set_locale("fr-FR");  // unknown locales fall back, not an error
  EXPECT_TRUE(ResolveRequestId(metadata).ok());
}

TEST(FillResponseMetadataTest, SetsIdAndElapsedTime) {
  const absl::Time received = absl::FromUnixSeconds(1'700'000'000);
  common::v1::ResponseMetadata out;
  FillResponseMetadata("req-1", received, received + absl::Milliseconds(1500), &out);
  EXPECT_EQ(out.request_id(), "req-1");
  EXPECT_EQ(out.processing_time().seconds(), 1);
  EXPECT_EQ(out.processing_time().nanos(), 500'000'000);
}

TEST(FillResponseMetadataTest, ClockGoingBackwardsGivesZero) {
  const absl::Time received = absl::FromUnixSeconds(1'700'000'000);
  common::v1::ResponseMetadata out;
  FillResponseMetadata("req-1", received, received - absl::Seconds(2), &out);
  EXPECT_EQ(out.processing_time().seconds(), 0);
  EXPECT_EQ(out.processing_time().nanos(), 0);
}

TEST(ToPartStatusTest, KeepsCodeAndMessage) {
  const common::v1::PartStatus part = ToPartStatus(absl::NotFoundError("product_id: unknown"));
  EXPECT_EQ(part.code(), 5);
  EXPECT_EQ(part.message(), "product_id: unknown");
  EXPECT_EQ(ToPartStatus(absl::OkStatus()).code(), 0);
  EXPECT_EQ(ToPartStatus(absl::OkStatus()).message(), "");
}

TEST(CheckDeadlineTest, OkBeforeTheDeadlineExceededFromItOn) {
  const absl::Time deadline = absl::FromUnixSeconds(1'700'000'000);
  EXPECT_TRUE(CheckDeadline(deadline, deadline - absl::Nanoseconds(1)).ok());
  EXPECT_EQ(CheckDeadline(deadline, deadline).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(CheckDeadline(deadline, deadline + absl::Seconds(1)).code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(CheckDeadline(absl::InfiniteFuture(), absl::Now()).ok());
}

}  // namespace
}  // namespace aigc::rpc
