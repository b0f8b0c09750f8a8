#include "services/gateway/auth/pseudonym.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace aigc::gateway_auth {
namespace {

TEST(PseudonymTest, IsTheTruncatedHmacSha256OfTheUserId) {
  // RFC 4231, test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?")
  // = 5bdcc146bf60754e6a042426089575c7...
  EXPECT_EQ(Pseudonym("what do ya want for nothing?", "Jefe"), "u-5bdcc146bf60754e");
}

TEST(PseudonymTest, IsStableForOneSecretAndDiffersAcrossUsersAndSecrets) {
  const std::string secret = RandomSecret();
  EXPECT_EQ(Pseudonym("user-42", secret), Pseudonym("user-42", secret));
  EXPECT_NE(Pseudonym("user-42", secret), Pseudonym("user-43", secret));
  EXPECT_NE(Pseudonym("user-42", secret), Pseudonym("user-42", RandomSecret()));
  const std::string pseudonym = Pseudonym("user-42", secret);
  EXPECT_EQ(pseudonym.size(), 2u + 16u);
  EXPECT_TRUE(absl::StartsWith(pseudonym, "u-"));
  // Hex digits only after the prefix, so the id cannot show through. (Not
  // "no 42 in it": 16 random hex digits contain "42" about 6 % of the time.)
  EXPECT_EQ(pseudonym.find_first_not_of("0123456789abcdef", 2), std::string::npos);
  EXPECT_FALSE(absl::StrContains(pseudonym, "user-42"));
}

TEST(PseudonymTest, EmptyInputsStillGiveAPseudonym) {
  EXPECT_EQ(Pseudonym("", "s").size(), 18u);
  EXPECT_EQ(Pseudonym("u", "").size(), 18u);
}

TEST(RandomSecretTest, Is64HexDigitsAndFreshEachTime) {
  const std::string a = RandomSecret();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, RandomSecret());
}

}  // namespace
}  // namespace aigc::gateway_auth
