// aigc-copy-corpus: generates the demo catalogue, its live-room knowledge and
// the copy language model's synthetic training corpus (see README.md).
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/catalog/generator.h"
#include "common/cli/cli.h"
#include "services/copywriter/corpus/corpus.h"
#include "services/copywriter/corpus/jsonl.h"

ABSL_FLAG(uint64_t, seed, 42, "Seed of the catalogue, the knowledge and the corpus.");
ABSL_FLAG(int, products_per_category, 60, "Products per category (10 categories), 1..9999.");
ABSL_FLAG(int, copies_per_combination, 1,
          "Copy texts per product, style and channel (and language with --every_language), "
          "0..100.");
ABSL_FLAG(int, questions_per_intent, 1,
          "Questions per product and intent (and language with --every_language), 0..100.");
ABSL_FLAG(bool, every_language, false,
          "Write every combination in Chinese and English (doubles the corpus) instead of one "
          "language drawn per combination.");
ABSL_FLAG(double, test_fraction, 0.1, "Share of products held out for the test split.");
ABSL_FLAG(std::string, out_dir, "data/copywriter/corpus",
          "Directory for catalog.jsonl, knowledge.jsonl, train.jsonl and test.jsonl (created "
          "when missing).");

namespace aigc::copy_corpus {
namespace {

void Write(const std::string& dir, const std::string& name, const std::string& text,
           int64_t records) {
  const std::string path = absl::StrCat(dir, "/", name);
  const FileStats stats = cli::ValueOrExit(WriteTextFile(path, text));
  std::printf("%s: %lld records, %lld characters, %lld bytes\n", path.c_str(),
              static_cast<long long>(records), static_cast<long long>(stats.characters),
              static_cast<long long>(stats.bytes));
}

int Main() {
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const std::string dir = absl::GetFlag(FLAGS_out_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) cli::ExitWithReason(absl::StrCat("cannot create ", dir, ": ", error.message()));

  std::fprintf(stderr, "[1/3] generating the catalogue\n");
  const auto catalog = cli::ValueOrExit(catalog::GenerateCatalog(
      {.seed = seed, .products_per_category = absl::GetFlag(FLAGS_products_per_category)}));
  std::vector<copywriter::v1::ProductKnowledge> knowledge;
  knowledge.reserve(catalog.size());
  for (const auto& product : catalog) knowledge.push_back(catalog::MakeKnowledge(product, seed));

  std::fprintf(stderr, "[2/3] composing the corpus for %zu products\n", catalog.size());
  CorpusOptions options;
  options.seed = seed;
  options.copies_per_combination = absl::GetFlag(FLAGS_copies_per_combination);
  options.questions_per_intent = absl::GetFlag(FLAGS_questions_per_intent);
  options.test_fraction = absl::GetFlag(FLAGS_test_fraction);
  options.every_language = absl::GetFlag(FLAGS_every_language);
  const Corpus corpus = cli::ValueOrExit(BuildCorpus(catalog, knowledge, options));

  std::fprintf(stderr, "[3/3] writing %s\n", dir.c_str());
  Write(dir, "catalog.jsonl", cli::ValueOrExit(ProductsToJsonl(catalog)), catalog.size());
  Write(dir, "knowledge.jsonl", cli::ValueOrExit(KnowledgeToJsonl(knowledge)), knowledge.size());
  Write(dir, "train.jsonl", ExamplesToJsonl(corpus.train), corpus.train.size());
  Write(dir, "test.jsonl", ExamplesToJsonl(corpus.test), corpus.test.size());
  return 0;
}

}  // namespace
}  // namespace aigc::copy_corpus

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Generates the seeded demo catalogue, its live-room knowledge and the copywriter's "
      "synthetic, template-generated training corpus (train/test split by product) as JSON "
      "Lines.\nUsage: aigc-copy-corpus [--seed=42] [--products_per_category=60] "
      "[--out_dir=data/copywriter/corpus]");
  return aigc::copy_corpus::Main();
}
