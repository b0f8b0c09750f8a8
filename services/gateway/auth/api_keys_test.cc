#include "services/gateway/auth/api_keys.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::gateway_auth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// SHA-256("test"), a published test vector.
constexpr char kTestHash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

std::string Line(std::string_view key, absl::string_view rest) {
  return absl::StrCat("sha256:", KeyHash(key), " ", rest, "\n");
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good());
}

fs::path TempPath(absl::string_view name) {
  return fs::path(::testing::TempDir()) / absl::StrCat("gateway_auth_", name);
}

TEST(KeyHashTest, IsTheHexSha256OfTheKey) {
  EXPECT_EQ(KeyHash("test"), kTestHash);
  EXPECT_EQ(KeyId("test"), "9f86d081884c");
}

TEST(ApiKeyTableTest, ParsesKeysCommentsAndBlankLines) {
  const std::string text = absl::StrCat(
      "# gateway keys\n\n", Line("key-a", "shop-web user 50 100"), "  \t\n", "sha256:", kTestHash,
      "\tops\tadmin\t0.5\t1   # the on-call key\r\n", Line("key-b", "shop-web user 2.5 1e1"));
  absl::StatusOr<std::shared_ptr<const ApiKeyTable>> table = ApiKeyTable::Parse(text);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->size(), 3);
  EXPECT_EQ((*table)->admin_count(), 1);

  const ApiKey* admin = (*table)->Find("test");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->client_name, "ops");
  EXPECT_TRUE(admin->admin);
  EXPECT_EQ(admin->rate_per_second, 0.5);
  EXPECT_EQ(admin->burst, 1);
  EXPECT_EQ(admin->key_id, "9f86d081884c");

  // One client with two keys, each its own entry.
  const ApiKey* a = (*table)->Find("key-a");
  const ApiKey* b = (*table)->Find("key-b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->client_name, "shop-web");
  EXPECT_EQ(b->client_name, "shop-web");
  EXPECT_FALSE(a->admin);
  EXPECT_EQ(b->rate_per_second, 2.5);
  EXPECT_EQ(b->burst, 10);
  EXPECT_NE(a->key_id, b->key_id);
}

TEST(ApiKeyTableTest, FindsNothingForUnknownEmptyOrAlteredKeys) {
  auto table = ApiKeyTable::Parse(Line("key-a", "shop user 1 1"));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->Find(""), nullptr);
  EXPECT_EQ((*table)->Find("key-b"), nullptr);
  EXPECT_EQ((*table)->Find("key-a "), nullptr);
  EXPECT_EQ((*table)->Find("KEY-A"), nullptr);
  // The hash itself is not a key.
  EXPECT_EQ((*table)->Find(KeyHash("key-a")), nullptr);
  EXPECT_NE((*table)->Find("key-a"), nullptr);
}

TEST(ApiKeyTableTest, EmptyTextIsAnEmptyTable) {
  for (const char* text : {"", "\n\n", "# nothing yet\n", "\xEF\xBB\xBF# with a BOM\n"}) {
    auto table = ApiKeyTable::Parse(text);
    ASSERT_TRUE(table.ok()) << table.status();
    EXPECT_EQ((*table)->size(), 0);
    EXPECT_EQ((*table)->admin_count(), 0);
  }
}

struct BadLineCase {
  std::string name;
  std::string line;
  std::string message;  // Expected after "line 3: ".
};

TEST(ApiKeyTableTest, BadLinesFailWithTheirLineNumber) {
  const std::string hash = absl::StrCat("sha256:", kTestHash);
  const std::string upper = absl::StrCat("sha256:", absl::AsciiStrToUpper(kTestHash));
  const BadLineCase cases[] = {
      {"too few fields", hash + " shop user 1", "expected 5 fields"},
      {"too many fields", hash + " shop user 1 2 3", "expected 5 fields"},
      {"key in clear", "aigc_secretsecretsecret shop user 1 1", "the first field must be sha256:"},
      {"no prefix", std::string(kTestHash) + " shop user 1 1", "the first field must be sha256:"},
      {"short hash", hash.substr(0, hash.size() - 1) + " shop user 1 1", "the first field"},
      {"upper-case hash", upper + " shop user 1 1", "the first field must be sha256:"},
      {"bad client", hash + " shop/web user 1 1", "client_name must be characters"},
      {"long client", hash + " " + std::string(65, 'c') + " user 1 1", "client_name must be 1..64"},
      {"unknown role", hash + " shop root 1 1", "role must be user or admin, got \"root\""},
      {"role case", hash + " shop Admin 1 1", "role must be user or admin"},
      {"rate not a number", hash + " shop user fast 1",
       "rate_per_second must be a finite number > 0"},
      {"zero rate", hash + " shop user 0 1",
       "rate_per_second must be a finite number > 0, got \"0\""},
      {"negative rate", hash + " shop user -1 1", "rate_per_second"},
      {"infinite rate", hash + " shop user inf 1", "rate_per_second"},
      {"nan rate", hash + " shop user nan 1", "rate_per_second"},
      {"small burst", hash + " shop user 1 0.5", "burst must be a finite number >= 1, got \"0.5\""},
      {"burst not a number", hash + " shop user 1 lots", "burst must be"},
  };
  for (const BadLineCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string text = absl::StrCat("# keys\n", Line("good", "shop user 1 1"), c.line, "\n");
    absl::StatusOr<std::shared_ptr<const ApiKeyTable>> table = ApiKeyTable::Parse(text);
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(table.status().message()),
                HasSubstr(absl::StrCat("line 3: ", c.message)));
  }
}

TEST(ApiKeyTableTest, ErrorsNeverQuoteAKeyPastedIntoAField) {
  const std::string key = GenerateKey();
  const std::string hash = absl::StrCat("sha256:", kTestHash);
  for (const std::string& line :
       {absl::StrCat(key, " shop user 1 1"), absl::StrCat(hash, " ", key, "/ user 1 1"),
        absl::StrCat(hash, " shop ", key, " 1 1"), absl::StrCat(hash, " shop user ", key, " 1"),
        absl::StrCat(hash, " shop user 1 ", key)}) {
    auto table = ApiKeyTable::Parse(line);
    ASSERT_FALSE(table.ok());
    EXPECT_THAT(std::string(table.status().message()), Not(HasSubstr(key)));
    EXPECT_THAT(std::string(table.status().message()), Not(HasSubstr(kTestHash)));
  }
}

TEST(ApiKeyTableTest, TheSameKeyTwiceFailsNamingBothLines) {
  const std::string text =
      absl::StrCat(Line("k", "shop user 1 1"), "\n", Line("k", "other admin 5 5"));
  auto table = ApiKeyTable::Parse(text);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(table.status().message(),
            absl::StrCat("line 3: the same key as line 1 (key_id ", KeyId("k"), ")"));
}

TEST(FormatKeyLineTest, MakesALineThatParsesBackToTheSameKey) {
  const std::string key = GenerateKey();
  absl::StatusOr<std::string> line = FormatKeyLine(key, "shop-web", "admin", 0.1, 12.5);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, absl::StrCat("sha256:", KeyHash(key), " shop-web admin 0.1 12.5"));
  EXPECT_THAT(*line, Not(HasSubstr(key)));
  auto table = ApiKeyTable::Parse(*line);
  ASSERT_TRUE(table.ok()) << table.status();
  const ApiKey* found = (*table)->Find(key);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->client_name, "shop-web");
  EXPECT_TRUE(found->admin);
  EXPECT_EQ(found->rate_per_second, 0.1);
  EXPECT_EQ(found->burst, 12.5);
}

TEST(FormatKeyLineTest, RefusesWhatTheFileWouldRefuseNamingTheArgument) {
  EXPECT_THAT(std::string(FormatKeyLine("", "c", "user", 1, 1).status().message()),
              HasSubstr("key:"));
  EXPECT_THAT(std::string(FormatKeyLine("k", "a b", "user", 1, 1).status().message()),
              HasSubstr("client_name:"));
  EXPECT_THAT(std::string(FormatKeyLine("k", "c", "root", 1, 1).status().message()),
              HasSubstr("role:"));
  EXPECT_THAT(std::string(FormatKeyLine("k", "c", "user", 0, 1).status().message()),
              HasSubstr("rate_per_second:"));
  EXPECT_THAT(std::string(FormatKeyLine("k", "c", "user", 1, 0.9).status().message()),
              HasSubstr("burst:"));
  EXPECT_EQ(FormatKeyLine("k", "c", "user", 1, 0.9).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GenerateKeyTest, KeysAreLongRandomAndHeaderSafe) {
  const std::string a = GenerateKey();
  const std::string b = GenerateKey();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 5u + 43u);
  EXPECT_TRUE(absl::StartsWith(a, "aigc_"));
  for (char c : a) {
    EXPECT_TRUE(absl::ascii_isalnum(c) || c == '_' || c == '-') << a;
  }
}

TEST(PresentedKeyTest, XApiKeyWinsThenBearerToken) {
  EXPECT_EQ(PresentedKey("k1", "Bearer k2"), "k1");
  EXPECT_EQ(PresentedKey(std::nullopt, "Bearer k2"), "k2");
  EXPECT_EQ(PresentedKey(std::nullopt, "bearer k2"), "k2");
  EXPECT_EQ(PresentedKey(std::nullopt, "BEARER \t k2  "), "k2");
  EXPECT_EQ(PresentedKey("  k1\t", std::nullopt), "k1");
  // A blank x-api-key does not hide a good authorization header.
  EXPECT_EQ(PresentedKey(" ", "Bearer k2"), "k2");
}

TEST(PresentedKeyTest, NoKeyWithoutAUsableHeader) {
  EXPECT_EQ(PresentedKey(std::nullopt, std::nullopt), std::nullopt);
  EXPECT_EQ(PresentedKey("", ""), std::nullopt);
  EXPECT_EQ(PresentedKey(std::nullopt, "Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(PresentedKey(std::nullopt, "Bearer"), std::nullopt);
  EXPECT_EQ(PresentedKey(std::nullopt, "Bearer   "), std::nullopt);
  EXPECT_EQ(PresentedKey(std::nullopt, "Bearerk2"), std::nullopt);
  EXPECT_EQ(PresentedKey(std::nullopt, "k2"), std::nullopt);
}

TEST(ApiKeyStoreTest, OpenFailsNotFoundForAMissingFile) {
  auto store = ApiKeyStore::Open(TempPath("missing.keys"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
}

TEST(ApiKeyStoreTest, OpenFailsNamingPathAndLineForABadFile) {
  const fs::path path = TempPath("bad.keys");
  WriteFile(path, absl::StrCat(Line("a", "shop user 1 1"), "oops\n"));
  auto store = ApiKeyStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr(absl::StrCat(path.string(), ": line 2: expected 5 fields")));
}

TEST(ApiKeyStoreTest, ReloadIsAllOrNothing) {
  const fs::path path = TempPath("reload.keys");
  WriteFile(path, Line("old-key", "shop user 1 1"));
  auto opened = ApiKeyStore::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ApiKeyStore& store = **opened;
  const absl::Time first_load = store.loaded_time();
  EXPECT_LE(first_load, absl::Now());
  std::shared_ptr<const ApiKeyTable> first = store.Current();
  ASSERT_NE(first->Find("old-key"), nullptr);

  // A broken file: the reload fails naming the line; the old keys stay.
  WriteFile(path, absl::StrCat(Line("new-key", "shop admin 1 1"), Line("x", "shop boss 1 1")));
  absl::Status reloaded = store.Reload();
  EXPECT_EQ(reloaded.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(reloaded.message()), HasSubstr("line 2: role must be user or admin"));
  EXPECT_EQ(store.Current(), first);
  EXPECT_NE(store.Current()->Find("old-key"), nullptr);
  EXPECT_EQ(store.Current()->Find("new-key"), nullptr);
  EXPECT_EQ(store.loaded_time(), first_load);

  // A missing file is also a failed precondition of the reload.
  fs::remove(path);
  EXPECT_EQ(store.Reload().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.Current()->Find("old-key"), nullptr);

  // A good file replaces the table; holders of the old one keep it.
  WriteFile(path, Line("new-key", "shop admin 1 1"));
  ASSERT_TRUE(store.Reload().ok());
  EXPECT_EQ(store.Current()->Find("old-key"), nullptr);
  ASSERT_NE(store.Current()->Find("new-key"), nullptr);
  EXPECT_EQ(store.Current()->admin_count(), 1);
  EXPECT_GE(store.loaded_time(), first_load);
  EXPECT_NE(first->Find("old-key"), nullptr);
}

}  // namespace
}  // namespace aigc::gateway_auth
