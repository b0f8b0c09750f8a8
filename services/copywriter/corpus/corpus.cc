#include "services/copywriter/corpus/corpus.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/catalog/random.h"
#include "common/catalog/vocabulary.h"
#include "common/status/status.h"
#include "services/copywriter/corpus/copy_composer.h"
#include "services/copywriter/corpus/facts.h"
#include "services/copywriter/corpus/prompt.h"
#include "services/copywriter/corpus/qa_composer.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;

constexpr int kMaxPerCombination = 100;
constexpr uint64_t kSplitSalt = 0x73706c6974ULL;  // "split"

constexpr cv1::CopyStyle kStyles[] = {cv1::COPY_STYLE_CONCISE, cv1::COPY_STYLE_LIVELY,
                                      cv1::COPY_STYLE_PREMIUM};
constexpr cv1::Channel kChannels[] = {cv1::CHANNEL_DETAIL_PAGE, cv1::CHANNEL_SOCIAL_POST,
                                      cv1::CHANNEL_SEO_TITLE, cv1::CHANNEL_EMAIL};

absl::Status Validate(const CorpusOptions& options) {
  if (options.copies_per_combination < 0 || options.copies_per_combination > kMaxPerCombination) {
    return status::InvalidField("copies_per_combination",
                                absl::StrCat("must be in 0..", kMaxPerCombination, ", got ",
                                             options.copies_per_combination));
  }
  if (options.questions_per_intent < 0 || options.questions_per_intent > kMaxPerCombination) {
    return status::InvalidField(
        "questions_per_intent",
        absl::StrCat("must be in 0..", kMaxPerCombination, ", got ", options.questions_per_intent));
  }
  if (!(options.test_fraction >= 0 && options.test_fraction <= 1)) {
    return status::InvalidField("test_fraction",
                                absl::StrCat("must be in [0, 1], got ", options.test_fraction));
  }
  if (options.languages.empty()) return status::InvalidField("languages", "must not be empty");
  for (size_t i = 0; i < options.languages.size(); ++i) {
    const v1::Language language = options.languages[i];
    if (language != v1::LANGUAGE_ZH && language != v1::LANGUAGE_EN) {
      return status::InvalidField(
          absl::StrCat("languages[", i, "]"),
          absl::StrCat("must be LANGUAGE_ZH or LANGUAGE_EN, got ", static_cast<int>(language)));
    }
  }
  return absl::OkStatus();
}

// 0..1 selling point from the product's features and tags, in `language`.
std::vector<std::string> DrawHighlights(const v1::Product& product, v1::Language language,
                                        catalog::Rng& rng) {
  const ProductFacts facts = LocalizedFacts(product, language);
  std::vector<std::string> candidates = facts.features;
  candidates.insert(candidates.end(), facts.tags.begin(), facts.tags.end());
  if (candidates.empty() || rng.Chance(50)) return {};
  return {rng.Pick(candidates)};
}

// The languages of one combination: all of them, or one drawn at random.
std::vector<v1::Language> LanguagesOf(const CorpusOptions& options, catalog::Rng& rng) {
  if (options.every_language) return options.languages;
  return {rng.Pick(options.languages)};
}

void AddCopyExamples(const v1::Product& product, const CorpusOptions& options, catalog::Rng& rng,
                     std::vector<CorpusExample>& out) {
  for (const cv1::CopyStyle style : kStyles) {
    for (const cv1::Channel channel : kChannels) {
      for (const v1::Language language : LanguagesOf(options, rng)) {
        for (int i = 0; i < options.copies_per_combination; ++i) {
          const std::vector<std::string> highlights = DrawHighlights(product, language, rng);
          CorpusExample& example = out.emplace_back();
          example.kind = CorpusExample::kCopy;
          example.prompt = RenderCopyPrompt(product, style, channel, language, highlights);
          example.completion = ComposeCopy(product, style, channel, language, highlights, rng);
          example.language = language;
          example.style = style;
          example.channel = channel;
          example.product_id = product.id();
        }
      }
    }
  }
}

void AddQaExamples(const cv1::ProductKnowledge& knowledge, const CorpusOptions& options,
                   catalog::Rng& rng, std::vector<CorpusExample>& out) {
  for (const cv1::Intent intent : AllIntents()) {
    for (const v1::Language language : LanguagesOf(options, rng)) {
      for (int i = 0; i < options.questions_per_intent; ++i) {
        QaPair pair = ComposeQa(knowledge, intent, language, rng);
        CorpusExample& example = out.emplace_back();
        example.kind = CorpusExample::kQa;
        example.prompt = RenderQaPrompt(knowledge, pair.question, language);
        example.completion = std::move(pair.reply);
        example.language = language;
        example.intent = intent;
        example.product_id = knowledge.product().id();
        example.question = std::move(pair.question);
      }
    }
  }
}

}  // namespace

bool IsTestProduct(std::string_view product_id, uint64_t seed, double test_fraction) {
  return static_cast<double>(catalog::HashString(product_id, seed ^ kSplitSalt) % 10000) <
         test_fraction * 10000;
}

absl::StatusOr<Corpus> BuildCorpus(std::span<const v1::Product> catalog,
                                   std::span<const cv1::ProductKnowledge> knowledge,
                                   const CorpusOptions& options) {
  AIGC_RETURN_IF_ERROR(Validate(options));
  absl::flat_hash_map<std::string, const cv1::ProductKnowledge*> knowledge_by_id;
  for (size_t i = 0; i < catalog.size(); ++i) {
    const std::string& id = catalog[i].id();
    if (id.empty()) return status::InvalidField(absl::StrCat("catalog[", i, "].id"), "required");
    if (!knowledge_by_id.emplace(id, nullptr).second) {
      return status::InvalidField(absl::StrCat("catalog[", i, "].id"),
                                  absl::StrCat("duplicate id \"", id, "\""));
    }
  }
  for (size_t i = 0; i < knowledge.size(); ++i) {
    const auto it = knowledge_by_id.find(knowledge[i].product().id());
    if (it == knowledge_by_id.end()) {
      return status::InvalidField(
          absl::StrCat("knowledge[", i, "].product.id"),
          absl::StrCat("\"", knowledge[i].product().id(), "\" is not in the catalog"));
    }
    it->second = &knowledge[i];
  }

  Corpus corpus;
  for (const v1::Product& product : catalog) {
    catalog::Rng rng(catalog::HashString(product.id(), options.seed));
    std::vector<CorpusExample>& out =
        IsTestProduct(product.id(), options.seed, options.test_fraction) ? corpus.test
                                                                         : corpus.train;
    AddCopyExamples(product, options, rng, out);
    if (const cv1::ProductKnowledge* entry = knowledge_by_id.at(product.id())) {
      AddQaExamples(*entry, options, rng, out);
    }
  }
  return corpus;
}

}  // namespace aigc::copy_corpus
