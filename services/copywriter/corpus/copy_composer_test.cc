#include "services/copywriter/corpus/copy_composer.h"

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "common/catalog/generator.h"
#include "common/catalog/vocabulary.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/corpus/facts.h"
#include "services/copywriter/corpus/internal/test_util.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using ::testing::IsEmpty;

constexpr cv1::CopyStyle kStyles[] = {cv1::COPY_STYLE_CONCISE, cv1::COPY_STYLE_LIVELY,
                                      cv1::COPY_STYLE_PREMIUM};
constexpr cv1::Channel kChannels[] = {cv1::CHANNEL_DETAIL_PAGE, cv1::CHANNEL_SOCIAL_POST,
                                      cv1::CHANNEL_SEO_TITLE, cv1::CHANNEL_EMAIL};
constexpr v1::Language kLanguages[] = {v1::LANGUAGE_ZH, v1::LANGUAGE_EN};

std::vector<v1::Product> Catalog() {
  auto products = catalog::GenerateCatalog({.seed = 3, .products_per_category = 8});
  EXPECT_TRUE(products.ok());
  return *products;
}

// Lower-cased in English so sentence-initial capitals do not hide a term.
std::string Normalized(const std::string& text, v1::Language language) {
  return language == v1::LANGUAGE_EN ? absl::AsciiStrToLower(text) : text;
}

// Every price stated in `text` ("199元" / "¥199").
std::vector<std::string> StatedPrices(const std::string& text, v1::Language language) {
  static const std::regex kZh("([0-9]+(\\.[0-9]+)?)元");
  static const std::regex kEn("¥([0-9]+(\\.[0-9]+)?)");
  const std::regex& pattern = language == v1::LANGUAGE_EN ? kEn : kZh;
  std::vector<std::string> prices;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    prices.push_back((*it)[0]);
  }
  return prices;
}

// Terms of `list` (in `language`) that `text` mentions but `own` does not hold.
std::vector<std::string> ForeignTerms(const std::string& text,
                                      const std::vector<catalog::Term>& list,
                                      const std::vector<std::string>& own, v1::Language language) {
  std::vector<std::string> foreign;
  const std::string haystack = Normalized(text, language);
  for (const catalog::Term& term : list) {
    const std::string& word = catalog::InLanguage(term, language);
    if (std::find(own.begin(), own.end(), word) != own.end()) continue;
    if (absl::StrContains(haystack, Normalized(word, language))) foreign.push_back(word);
  }
  return foreign;
}

std::vector<catalog::Term> SeasonTerms() {
  std::vector<catalog::Term> seasons;
  for (int s = v1::SEASON_SPRING; s <= v1::SEASON_ALL_YEAR; ++s) {
    seasons.push_back(catalog::SeasonName(static_cast<v1::Season>(s)));
  }
  return seasons;
}

TEST(CopyComposerTest, EveryStatedFactIsTheProductsOwn) {
  for (const v1::Product& product : Catalog()) {
    for (const v1::Language language : kLanguages) {
      const ProductFacts facts = LocalizedFacts(product, language);
      catalog::Rng rng(catalog::HashString(product.id()));
      for (const cv1::CopyStyle style : kStyles) {
        for (const cv1::Channel channel : kChannels) {
          const std::string text = ComposeCopy(product, style, channel, language, {}, rng);
          SCOPED_TRACE(text);
          for (const std::string& price : StatedPrices(text, language)) {
            EXPECT_EQ(price, facts.price);
          }
          EXPECT_THAT(ForeignTerms(text, catalog::Materials(), {facts.material}, language),
                      IsEmpty());
          EXPECT_THAT(ForeignTerms(text, catalog::Colors(), facts.colors, language), IsEmpty());
          EXPECT_THAT(ForeignTerms(text, SeasonTerms(), facts.seasons, language), IsEmpty());
          EXPECT_THAT(ForeignTerms(text, catalog::Brands(), {facts.brand}, language), IsEmpty());
          EXPECT_THAT(internal::AbsoluteTermsIn(text), IsEmpty());
          if (channel == cv1::CHANNEL_DETAIL_PAGE || channel == cv1::CHANNEL_EMAIL) {
            // These channels never drop the material, colour, size and price sentences.
            const std::string haystack = Normalized(text, language);
            EXPECT_TRUE(absl::StrContains(haystack, Normalized(facts.material, language)));
            for (const std::string& color : facts.colors) {
              EXPECT_TRUE(absl::StrContains(haystack, Normalized(color, language))) << color;
            }
            EXPECT_TRUE(absl::StrContains(text, absl::StrJoin(facts.sizes, "/")));
            EXPECT_EQ(StatedPrices(text, language).size(), 1u);
          }
        }
      }
    }
  }
}

TEST(CopyComposerTest, ChannelsHaveTheirFormats) {
  for (const v1::Product& product : Catalog()) {
    for (const v1::Language language : kLanguages) {
      catalog::Rng rng(7);
      for (const cv1::CopyStyle style : kStyles) {
        const std::string seo =
            ComposeCopy(product, style, cv1::CHANNEL_SEO_TITLE, language, {}, rng);
        EXPECT_LE(CodePoints(seo), kSeoTitleMaxChars) << seo;
        EXPECT_FALSE(absl::StrContains(seo, "\n")) << seo;
        EXPECT_TRUE(absl::StartsWith(seo, LocalizedFacts(product, language).brand)) << seo;

        const std::string social =
            ComposeCopy(product, style, cv1::CHANNEL_SOCIAL_POST, language, {}, rng);
        EXPECT_LE(CodePoints(social), kSocialPostMaxChars) << social;
        EXPECT_GE(CodePoints(social), 30) << social;
        EXPECT_TRUE(absl::StrContains(social, " #")) << social;

        const std::string detail =
            ComposeCopy(product, style, cv1::CHANNEL_DETAIL_PAGE, language, {}, rng);
        EXPECT_LE(CodePoints(detail), kDetailPageMaxChars) << detail;
        // Concise Chinese pages are the shortest (about 50..100 characters).
        EXPECT_GE(CodePoints(detail), 50) << detail;

        const std::string email =
            ComposeCopy(product, style, cv1::CHANNEL_EMAIL, language, {}, rng);
        const size_t blank = email.find("\n\n");
        ASSERT_NE(blank, std::string::npos) << email;
        EXPECT_GT(blank, 0u) << email;
        EXPECT_EQ(email.find('\n'), blank) << "the subject is one line: " << email;
        EXPECT_LE(CodePoints(email.substr(blank + 2)), kEmailBodyMaxChars);
      }
    }
  }
}

TEST(CopyComposerTest, HighlightsAreStatedVerbatim) {
  const v1::Product product = Catalog()[0];
  const std::vector<std::string> highlights = {"垂坠感"};
  catalog::Rng rng(1);
  for (const cv1::CopyStyle style : kStyles) {
    EXPECT_TRUE(absl::StrContains(
        ComposeCopy(product, style, cv1::CHANNEL_DETAIL_PAGE, v1::LANGUAGE_ZH, highlights, rng),
        "垂坠感"));
  }
}

TEST(CopyComposerTest, PhrasingsVaryAcrossDraws) {
  const v1::Product product = Catalog()[5];
  for (const v1::Language language : kLanguages) {
    for (const cv1::CopyStyle style : kStyles) {
      catalog::Rng rng(11);
      std::set<std::string> texts;
      for (int i = 0; i < 40; ++i) {
        texts.insert(ComposeCopy(product, style, cv1::CHANNEL_DETAIL_PAGE, language, {}, rng));
      }
      EXPECT_GE(texts.size(), 30u);
    }
  }
}

TEST(CopyComposerTest, UnstatedFactsAreNeverMentioned) {
  v1::Product product;
  product.set_title("无名商品");
  product.add_colors("黑色");
  for (const v1::Language language : kLanguages) {
    catalog::Rng rng(2);
    for (const cv1::CopyStyle style : kStyles) {
      for (const cv1::Channel channel : kChannels) {
        const std::string text = ComposeCopy(product, style, channel, language, {}, rng);
        SCOPED_TRACE(text);
        EXPECT_THAT(StatedPrices(text, language), IsEmpty());
        EXPECT_THAT(ForeignTerms(text, catalog::Materials(), {}, language), IsEmpty());
        EXPECT_THAT(ForeignTerms(text, SeasonTerms(), {}, language), IsEmpty());
        EXPECT_THAT(ForeignTerms(text, catalog::Brands(), {}, language), IsEmpty());
        EXPECT_FALSE(absl::StrContains(text, "{")) << "unfilled placeholder";
      }
    }
  }
}

}  // namespace
}  // namespace aigc::copy_corpus
