// The copy language model's training corpus, built from the demo catalogue.
//
// Synthetic: every completion is composed from templates (copy_composer.h,
// qa_composer.h) and states only its product's facts; see README.md for what
// that implies. Examples are split by PRODUCT into train and test, so no test
// product is ever seen in training.
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_CORPUS_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_CORPUS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::copy_corpus {

// One training example: the model reads `prompt` and learns to write `completion`.
struct CorpusExample {
  enum Kind { kCopy, kQa };
  Kind kind = kCopy;
  // RenderCopyPrompt / RenderQaPrompt output.
  std::string prompt;
  // The copy text, or the live reply.
  std::string completion;
  common::v1::Language language = common::v1::LANGUAGE_UNSPECIFIED;
  // Copy examples only (UNSPECIFIED for Q&A).
  copywriter::v1::CopyStyle style = copywriter::v1::COPY_STYLE_UNSPECIFIED;
  copywriter::v1::Channel channel = copywriter::v1::CHANNEL_UNSPECIFIED;
  // Q&A examples only (UNSPECIFIED for copy).
  copywriter::v1::Intent intent = copywriter::v1::INTENT_UNSPECIFIED;
  std::string product_id;
  // Q&A examples only: the viewer's question (also the prompt's last line).
  std::string question;

  friend bool operator==(const CorpusExample&, const CorpusExample&) = default;
};

struct CorpusOptions {
  // Seed of every choice (phrasings, highlights, questions, split).
  uint64_t seed = 42;
  // Copy texts per (product, style, channel, language), 0..100.
  int copies_per_combination = 1;
  // Questions per (product, intent, language), 0..100.
  int questions_per_intent = 1;
  // Share of products whose examples go to the test split, in [0, 1].
  double test_fraction = 0.1;
  // Languages to write, non-empty, each ZH or EN.
  std::vector<common::v1::Language> languages = {common::v1::LANGUAGE_ZH, common::v1::LANGUAGE_EN};
  // False: each (product, style, channel) and (product, intent) combination
  // is written in ONE language drawn at random from `languages`, which halves
  // the corpus while every combination still occurs in both languages across
  // the catalogue. True: in every language.
  bool every_language = false;
};

struct Corpus {
  std::vector<CorpusExample> train;
  std::vector<CorpusExample> test;
};

// Whether `product_id` belongs to the test split: a seeded FNV-1a hash of the
// id, taken modulo 10000, is below test_fraction × 10000. Deterministic, and
// independent of the other products.
bool IsTestProduct(std::string_view product_id, uint64_t seed, double test_fraction);

// Builds the corpus: for each product (in catalogue order), copy examples for
// every style × channel (copies_per_combination each, with 0..1 highlight
// drawn from the product's features and tags), then, when `knowledge` has an
// entry for it, Q&A examples for every intent (questions_per_intent each);
// languages as options.every_language says. Each product has its own random stream, so its
// examples do not depend on the other products. Fails with INVALID_ARGUMENT
// naming the field for out-of-range options, a product without id
// ("catalog[i].id"), a duplicate id, or knowledge about a product missing from
// the catalogue ("knowledge[i].product.id").
absl::StatusOr<Corpus> BuildCorpus(std::span<const common::v1::Product> catalog,
                                   std::span<const copywriter::v1::ProductKnowledge> knowledge,
                                   const CorpusOptions& options);

}  // namespace aigc::copy_corpus

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_CORPUS_H_
