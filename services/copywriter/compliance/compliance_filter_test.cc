#include "services/copywriter/compliance/compliance_filter.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_compliance {
namespace {

using copywriter::v1::COMPLIANCE_ACTION_DROPPED;
using copywriter::v1::COMPLIANCE_ACTION_FLAGGED;
using copywriter::v1::COMPLIANCE_ACTION_REWRITTEN;
using copywriter::v1::COMPLIANCE_MODE_DROP;
using copywriter::v1::COMPLIANCE_MODE_REPORT_ONLY;
using copywriter::v1::COMPLIANCE_MODE_REWRITE;
using copywriter::v1::COMPLIANCE_MODE_UNSPECIFIED;
using copywriter::v1::ComplianceReport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kLexicon[] =
    "# version: test-1\n"
    "# superlatives\n"
    "最\tad_law.superlative\t\tzh\n"
    "最好\tad_law.superlative\t很好\tzh\n"
    "最好的\tad_law.superlative\t很好的\tzh\n"
    "第一\tad_law.superlative\t\tzh\n"
    "顶级\tad_law.absolute_term\t优质\tzh\n"
    "国家级\tad_law.national_claim\t\tzh\n"
    "最近\tallow\t\tzh\n"
    "第一时间\tallow\t\tzh\n"
    "best\tad_law.superlative\tgreat\ten\n"
    "the best\tad_law.superlative\ta great\ten\n"
    "100%\tad_law.guarantee\t\ten\n"
    "100% cotton\tallow\t\ten\n";

std::unique_ptr<ComplianceFilter> TestFilter() {
  absl::StatusOr<std::unique_ptr<ComplianceFilter>> filter = ComplianceFilter::FromString(kLexicon);
  EXPECT_TRUE(filter.ok()) << filter.status();
  return std::move(filter).value();
}

// "term@start-end=>replacement" per finding.
std::vector<std::string> Describe(const ComplianceReport& report) {
  std::vector<std::string> out;
  for (const auto& f : report.findings()) {
    out.push_back(absl::StrCat(f.term(), "@", f.start_offset(), "-", f.end_offset(), "=>",
                               f.replacement(), "/", f.rule_id()));
  }
  return out;
}

struct RewriteCase {
  std::string name;
  std::string input;
  std::string expected_text;
  std::vector<std::string> expected_findings;
};

class RewriteTest : public ::testing::TestWithParam<RewriteCase> {};

TEST_P(RewriteTest, RewritesEveryFlaggedTermAndReportsCharacterOffsets) {
  const RewriteCase& c = GetParam();
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  const CheckedText checked = filter->Apply(c.input, COMPLIANCE_MODE_REWRITE);
  EXPECT_EQ(checked.text, c.expected_text);
  EXPECT_EQ(Describe(checked.report), c.expected_findings);
  EXPECT_TRUE(checked.report.passed());
  EXPECT_FALSE(checked.report.dropped());
  EXPECT_EQ(checked.report.lexicon_version(), "test-1");
  for (const auto& finding : checked.report.findings()) {
    EXPECT_EQ(finding.action(), COMPLIANCE_ACTION_REWRITTEN);
  }
  EXPECT_FALSE(filter->Contains(checked.text));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RewriteTest,
    ::testing::Values(
        RewriteCase{"CleanTextUnchanged", "纯棉面料，舒适透气。", "纯棉面料，舒适透气。", {}},
        RewriteCase{"TermReplacedAfterChinese",
                    "这款连衣裙是最好的选择",
                    "这款连衣裙是很好的选择",
                    {"最好的@6-9=>很好的/ad_law.superlative"}},
        RewriteCase{"TermWithoutReplacementDeleted",
                    "销量第一的国家级工艺",
                    "销量的工艺",
                    {"第一@2-4=>/ad_law.superlative", "国家级@5-8=>/ad_law.national_claim"}},
        RewriteCase{
            "AllowListedPhrasesUntouched", "最近上新，第一时间发货", "最近上新，第一时间发货", {}},
        RewriteCase{"OverlappingTermsTakeTheLongest",
                    "最好最顶级",
                    "很好优质",
                    {"最好@0-2=>很好/ad_law.superlative", "最@2-3=>/ad_law.superlative",
                     "顶级@3-5=>优质/ad_law.absolute_term"}},
        RewriteCase{
            "EnglishCaseInsensitiveKeepsCapital",
            "The Best dress. BEST fit!",
            "A great dress. Great fit!",
            {"The Best@0-8=>a great/ad_law.superlative", "BEST@16-20=>great/ad_law.superlative"}},
        RewriteCase{"EnglishWordBoundaries",
                    "A bestseller, best-in-class.",
                    "A bestseller, great-in-class.",
                    {"best@14-18=>great/ad_law.superlative"}},
        RewriteCase{"AllowListedEnglishPhrase",
                    "100% cotton, 100% happy",
                    "100% cotton,  happy",
                    {"100%@13-17=>/ad_law.guarantee"}},
        RewriteCase{"DeletionJoiningANewTermIsRewrittenToo",
                    "第最一名",
                    "名",
                    {"第一@0-3=>/ad_law.superlative", "最@1-2=>/ad_law.superlative"}}),
    [](const auto& info) { return info.param.name; });

TEST(ComplianceFilterTest, UnspecifiedModeRewrites) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  EXPECT_EQ(filter->Apply("顶级面料", COMPLIANCE_MODE_UNSPECIFIED).text, "优质面料");
}

TEST(ComplianceFilterTest, DropModeEmptiesTheTextAndFailsIt) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  const CheckedText checked = filter->Apply("顶级面料，最好的选择", COMPLIANCE_MODE_DROP);
  EXPECT_EQ(checked.text, "");
  EXPECT_TRUE(checked.report.dropped());
  EXPECT_FALSE(checked.report.passed());
  ASSERT_EQ(checked.report.findings_size(), 2);
  EXPECT_EQ(checked.report.findings(0).action(), COMPLIANCE_ACTION_DROPPED);
  EXPECT_EQ(checked.report.findings(1).action(), COMPLIANCE_ACTION_DROPPED);
  EXPECT_EQ(checked.report.findings(1).start_offset(), 5);
  EXPECT_EQ(checked.report.findings(1).replacement(), "");

  const CheckedText clean = filter->Apply("优质面料", COMPLIANCE_MODE_DROP);
  EXPECT_EQ(clean.text, "优质面料");
  EXPECT_TRUE(clean.report.passed());
  EXPECT_FALSE(clean.report.dropped());
}

TEST(ComplianceFilterTest, ReportOnlyModeLeavesTheTextAndFlags) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  const CheckedText checked = filter->Apply("the best 顶级", COMPLIANCE_MODE_REPORT_ONLY);
  EXPECT_EQ(checked.text, "the best 顶级");
  EXPECT_FALSE(checked.report.passed());
  EXPECT_THAT(Describe(checked.report),
              ElementsAre("the best@0-8=>/ad_law.superlative", "顶级@9-11=>/ad_law.absolute_term"));
  EXPECT_EQ(checked.report.findings(0).action(), COMPLIANCE_ACTION_FLAGGED);

  const CheckedText clean = filter->Apply("最近", COMPLIANCE_MODE_REPORT_ONLY);
  EXPECT_TRUE(clean.report.passed());
  EXPECT_TRUE(clean.report.findings().empty());
}

TEST(ComplianceFilterTest, ContainsIgnoresAllowListedPhrases) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  EXPECT_TRUE(filter->Contains("很好，最"));
  EXPECT_FALSE(filter->Contains("最近第一时间"));
  EXPECT_FALSE(filter->Contains(""));
}

struct BadLexiconCase {
  std::string name;
  std::string text;
  std::string message;
};

class BadLexiconTest : public ::testing::TestWithParam<BadLexiconCase> {};

TEST_P(BadLexiconTest, IsRejectedWithTheLineNumber) {
  const absl::StatusOr<std::unique_ptr<ComplianceFilter>> filter =
      ComplianceFilter::FromString(GetParam().text);
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(filter.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadLexiconTest,
    ::testing::Values(
        BadLexiconCase{"MissingVersion", "最\tad_law.superlative\t\tzh\n",
                       "lexicon line 1: the first"},
        BadLexiconCase{"EmptyFile", "", "lexicon line 1: missing"},
        BadLexiconCase{"WrongFieldCount", "# version: 1\n\n最\tad_law.superlative\tzh\n",
                       "lexicon line 3: expected 4 tab-separated fields"},
        BadLexiconCase{"UnknownLanguage", "# version: 1\n最\tad_law.superlative\t\tfr\n",
                       "lexicon line 2: language must be zh or en"},
        BadLexiconCase{"BadRuleId", "# version: 1\n最\tAdLaw\t\tzh\n", "lexicon line 2: rule_id"},
        BadLexiconCase{"DuplicateTermAfterFolding",
                       "# version: 1\nbest\tad_law.superlative\t\ten\nBEST\tad_law.x\t\ten\n",
                       "lexicon line 3: duplicate term \"BEST\" (first on line 2)"},
        BadLexiconCase{"AllowRowWithReplacement", "# version: 1\n最近\tallow\t近来\tzh\n",
                       "lexicon line 2: an allow row"},
        BadLexiconCase{"FlaggedReplacement",
                       "# version: 1\n最\tad_law.superlative\t\tzh\n顶级\tad_law.a\t最优\tzh\n",
                       "lexicon line 3: replacement contains the flagged term \"最\""}),
    [](const auto& info) { return info.param.name; });

TEST(ComplianceFilterTest, LoadReportsAMissingFileAsNotFound) {
  EXPECT_EQ(ComplianceFilter::Load("/nonexistent/lexicon.tsv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ComplianceFilterTest, ShippedLexiconLoadsAndRewritesCommonClaims) {
  absl::StatusOr<std::unique_ptr<ComplianceFilter>> filter =
      ComplianceFilter::Load(AIGC_AD_LAW_LEXICON);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ((*filter)->version(), "2026-11");
  const CheckedText zh =
      (*filter)->Apply("全网第一的顶级100%纯棉T恤，最近销量NO.1！", COMPLIANCE_MODE_REWRITE);
  EXPECT_EQ(zh.text, "全网热销的优质100%纯棉T恤，最近销量！");
  const CheckedText en =
      (*filter)->Apply("The best ever 100% cotton tee, guaranteed #1.", COMPLIANCE_MODE_REWRITE);
  EXPECT_EQ(en.text, "A great 100% cotton tee,  .");
  EXPECT_TRUE(en.report.passed());
}

TEST(ComplianceFilterTest, TheCompiledInDefaultIsTheCommittedLexicon) {
  auto file = ComplianceFilter::Load(AIGC_AD_LAW_LEXICON);
  auto compiled = DefaultComplianceFilter();
  ASSERT_TRUE(file.ok() && compiled.ok()) << compiled.status();
  EXPECT_EQ((*compiled)->version(), (*file)->version());
  const std::string text = "全网第一的顶级100%纯棉T恤，最近销量NO.1！ The best tee.";
  EXPECT_EQ((*compiled)->Apply(text, COMPLIANCE_MODE_REWRITE).text,
            (*file)->Apply(text, COMPLIANCE_MODE_REWRITE).text);
}

// Streams `deltas` and returns what each Push emitted, then Flush's part.
std::vector<std::string> Stream(const ComplianceFilter& filter,
                                const std::vector<std::string>& deltas, ComplianceReport* report) {
  StreamingComplianceFilter stream(filter);
  std::vector<std::string> emitted;
  for (const std::string& delta : deltas) emitted.push_back(stream.Push(delta));
  emitted.push_back(stream.Flush());
  *report = stream.report();
  return emitted;
}

TEST(StreamingComplianceFilterTest, RewritesATermSplitAcrossDeltasWithoutEmittingPartOfIt) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  ComplianceReport report;
  EXPECT_THAT(Stream(*filter, {"这是", "最", "好的", "选择"}, &report),
              ElementsAre("这是", "", "很好的", "选择", ""));
  EXPECT_THAT(Describe(report), ElementsAre("最好的@2-5=>很好的/ad_law.superlative"));
  EXPECT_TRUE(report.passed());
}

TEST(StreamingComplianceFilterTest, HoldsAPossibleTermUntilTheNextDeltaDecides) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  ComplianceReport report;
  // "最" may start 最近 (allowed): nothing leaves until 近 arrives.
  EXPECT_THAT(Stream(*filter, {"最", "近好"}, &report), ElementsAre("", "最近好", ""));
  EXPECT_TRUE(report.findings().empty());
  // "best" may continue as "bestseller": the boundary is decided by the next delta.
  EXPECT_THAT(Stream(*filter, {"so best", "seller", " best"}, &report),
              ElementsAre("so ", "bestseller", " ", "great"));
  EXPECT_THAT(Describe(report), ElementsAre("best@14-18=>great/ad_law.superlative"));
}

TEST(StreamingComplianceFilterTest, AnySplitGivesTheSameTextAsApply) {
  const std::unique_ptr<ComplianceFilter> filter = TestFilter();
  const std::string text = "国家级第一时间最好的the best第最一名100% cotton";
  const CheckedText whole = filter->Apply(text, COMPLIANCE_MODE_REWRITE);
  // Split after every byte (also inside a character) and at every character.
  for (std::size_t step : {1u, 2u, 3u, 5u}) {
    std::vector<std::string> deltas;
    for (std::size_t i = 0; i < text.size(); i += step) deltas.push_back(text.substr(i, step));
    ComplianceReport report;
    EXPECT_EQ(absl::StrJoin(Stream(*filter, deltas, &report), ""), whole.text) << step;
    EXPECT_EQ(Describe(report), Describe(whole.report)) << step;
    for (const std::string& part : Stream(*filter, deltas, &report)) {
      EXPECT_FALSE(filter->Contains(part)) << part;
    }
  }
}

}  // namespace
}  // namespace aigc::copy_compliance
