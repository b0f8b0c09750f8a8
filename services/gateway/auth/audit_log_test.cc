#include "services/gateway/auth/audit_log.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/gateway/auth/api_keys.h"
#include "services/gateway/auth/pseudonym.h"

namespace aigc::gateway_auth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// `line` parsed by a real JSON parser.
google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct object;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &object);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in " << line;
  return object;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

fs::path FreshPath(absl::string_view name) {
  const fs::path path = fs::path(::testing::TempDir()) / absl::StrCat("gateway_audit_", name);
  fs::remove(path);
  return path;
}

AuditRecord Record(std::string key_id) {
  return {.time = absl::FromUnixMillis(1'795'000'000'123),
          .request_id = "req-1",
          .client = "shop-web",
          .key_id = std::move(key_id),
          .method = "/aigc.gateway.v1.GatewayService/Recommend",
          .code = "OK",
          .duration = absl::Microseconds(12345),
          .user = Pseudonym("user-42", "secret"),
          .peer = "ipv4:127.0.0.1:53412"};
}

TEST(AuditLineTest, WritesEveryFieldAsJson) {
  const std::string line = AuditLine(Record("9f86d081884c"));
  EXPECT_EQ(line,
            absl::StrCat("{\"time\":\"2026-11-18T11:06:40.123Z\",\"request_id\":\"req-1\",",
                         "\"client\":\"shop-web\",\"key_id\":\"9f86d081884c\",",
                         "\"method\":\"/aigc.gateway.v1.GatewayService/Recommend\",",
                         "\"code\":\"OK\",\"duration_ms\":12.345,\"user\":\"",
                         Pseudonym("user-42", "secret"), "\",\"peer\":\"ipv4:127.0.0.1:53412\"}"));
  const google::protobuf::Struct json = ParseJson(line);
  EXPECT_EQ(json.fields().at("duration_ms").number_value(), 12.345);
  EXPECT_EQ(json.fields().at("code").string_value(), "OK");
}

TEST(AuditLineTest, LeavesOutUnknownUserAndPeer) {
  AuditRecord record = Record("");
  record.client.clear();
  record.user.clear();
  record.peer.clear();
  record.code = "UNAUTHENTICATED";
  const google::protobuf::Struct json = ParseJson(AuditLine(record));
  EXPECT_EQ(json.fields().count("user"), 0u);
  EXPECT_EQ(json.fields().count("peer"), 0u);
  EXPECT_EQ(json.fields().at("client").string_value(), "");
  EXPECT_EQ(json.fields().at("key_id").string_value(), "");
}

TEST(AuditLineTest, EscapesQuotesControlCharactersAndBadUtf8) {
  AuditRecord record = Record("k");
  record.request_id = "a\"b\\c\nd\x01\x7f 价格";
  record.peer = "bad \xff\xfe utf-8";
  const google::protobuf::Struct json = ParseJson(AuditLine(record));
  EXPECT_EQ(json.fields().at("request_id").string_value(), "a\"b\\c\nd\x01\x7f 价格");
  EXPECT_EQ(json.fields().at("peer").string_value(), "bad \uFFFD\uFFFD utf-8");
}

TEST(AuditLogTest, AppendsOneParsableLinePerRecordWithoutTheKey) {
  const fs::path path = FreshPath("lines.jsonl");
  const std::string key = GenerateKey();
  {
    auto log = AuditLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->enabled());
    (*log)->Record(Record(KeyId(key)));
    // Written through: readable before the log is closed.
    EXPECT_EQ(ReadAll(path), absl::StrCat(AuditLine(Record(KeyId(key))), "\n"));
    AuditRecord second = Record(KeyId(key));
    second.code = "RESOURCE_EXHAUSTED";
    (*log)->Record(second);
    EXPECT_EQ((*log)->write_failures(), 0);
  }
  // Reopening appends.
  {
    auto log = AuditLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Record(Record(KeyId(key)));
  }
  const std::string text = ReadAll(path);
  EXPECT_THAT(text, Not(HasSubstr(key)));
  EXPECT_THAT(text, Not(HasSubstr(KeyHash(key))));
  EXPECT_THAT(text, Not(HasSubstr("user-42")));
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines.back(), "");
  lines.pop_back();
  for (const std::string& line : lines) {
    const google::protobuf::Struct json = ParseJson(line);
    EXPECT_EQ(json.fields().at("key_id").string_value(), KeyId(key));
    EXPECT_EQ(json.fields().at("client").string_value(), "shop-web");
  }
  EXPECT_EQ(ParseJson(lines[1]).fields().at("code").string_value(), "RESOURCE_EXHAUSTED");
}

TEST(AuditLogTest, ConcurrentRecordsNeverInterleave) {
  const fs::path path = FreshPath("concurrent.jsonl");
  auto log = AuditLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        AuditRecord record = Record("k");
        record.request_id = absl::StrCat("t", t, "-", i, std::string(200, 'x'));
        (*log)->Record(record);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<std::string> lines = absl::StrSplit(ReadAll(path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 200u);
  for (const std::string& line : lines) ParseJson(line);
}

TEST(AuditLogTest, AnEmptyPathIsADisabledLog) {
  auto log = AuditLog::Open("");
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_FALSE((*log)->enabled());
  (*log)->Record(Record("k"));
  EXPECT_EQ((*log)->write_failures(), 0);
}

TEST(AuditLogTest, OpenFailsNamingThePathWhenTheDirectoryIsMissing) {
  const fs::path path = fs::path(::testing::TempDir()) / "no-such-dir" / "audit.jsonl";
  auto log = AuditLog::Open(path);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(log.status().message()), HasSubstr(path.string()));
}

}  // namespace
}  // namespace aigc::gateway_auth
