// aigc-copy-eval: offline evaluation of the copy model on the corpus's
// held-out products (test.jsonl): generates a text per example, then reports
// BLEU-4, ROUGE-L and distinct-1/2 against the references, fact consistency
// (the fact checker on the raw text) and advertising-law findings (the
// compliance filter on the raw text), the same two checks on the text a
// client is served (after fact repair and the compliance rewrite), for copy
// and live Q&A separately; and
// the accuracy of the live Q&A intent classifier trained on train.jsonl.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/cli/cli.h"
#include "common/runtime/device.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "prometheus/registry.h"
#include "services/copywriter/compliance/compliance_filter.h"
#include "services/copywriter/corpus/jsonl.h"
#include "services/copywriter/eval/intent_metrics.h"
#include "services/copywriter/eval/text_metrics.h"
#include "services/copywriter/generation/generator.h"
#include "services/copywriter/grounding/catalog_lexicon.h"
#include "services/copywriter/grounding/fact_checker.h"
#include "services/copywriter/live/intent_classifier.h"
#include "services/copywriter/service/copy_candidate.h"

ABSL_FLAG(std::string, model_repository, "models", "Model repository holding copywriter-lm.");
ABSL_FLAG(std::string, corpus_dir, "data/copywriter/corpus",
          "Directory with train.jsonl, test.jsonl and knowledge.jsonl from aigc-copy-corpus.");
ABSL_FLAG(std::string, compliance_lexicon, "services/copywriter/compliance/ad_law_lexicon.tsv",
          "Advertising-law lexicon (format: docs/copywriter.md).");
ABSL_FLAG(int, limit, 300,
          "Evaluate the first N test examples of each kind (copy, Q&A); 0 = all.");
ABSL_FLAG(double, temperature, 0, "Sampling temperature (0 = greedy).");
ABSL_FLAG(int, top_k, 50, "Top-k cut-off (0 = off).");
ABSL_FLAG(double, top_p, 0.95, "Nucleus cut-off (1 = off).");
ABSL_FLAG(double, repetition_penalty, 1.1, "Repetition penalty (1 = off).");
ABSL_FLAG(int, max_tokens, 200, "Tokens per text at most.");
ABSL_FLAG(uint64_t, seed, 1, "Sampling seed of the first example (example i uses seed + i).");
ABSL_FLAG(int, show, 3, "Print this many examples of each kind (prompt, reference, output).");
ABSL_FLAG(int, threads, 1, "LibTorch intra-op threads.");

namespace aigc::copywriter {
namespace {

namespace cv1 = aigc::copywriter::v1;
using copy_corpus::CorpusExample;

// What one kind of example (copy or Q&A) adds up to.
struct KindResult {
  std::vector<std::string> outputs;
  std::vector<std::vector<std::string>> references;
  int grounded = 0;          // raw outputs without a wrong or unsupported claim
  int claims = 0;            // claims checked in raw outputs
  int contradicted = 0;      // claims contradicting the product
  int unsupported = 0;       // claims about facts the product does not state
  int flagged_texts = 0;     // raw outputs with an advertising-law finding
  int flagged_terms = 0;
  int ended = 0;             // outputs that ended with <|eos|>
  // The same checks on what a client gets (after fact repair and the
  // compliance rewrite): texts without a wrong/unsupported claim, texts with
  // an advertising-law term.
  int served_grounded = 0;
  int served_flagged_texts = 0;
};

template <typename T>
std::vector<T> ReadJsonl(const std::string& path,
                         absl::StatusOr<std::vector<T>> (*parse)(std::string_view)) {
  const std::string text = cli::ValueOrExit(copy_corpus::ReadTextFile(path));
  absl::StatusOr<std::vector<T>> parsed = parse(text);
  if (!parsed.ok()) cli::ExitWithReason(absl::StrCat(path, ": ", parsed.status().message()));
  return *std::move(parsed);
}

void PrintKind(const char* name, const KindResult& result) {
  const int n = static_cast<int>(result.outputs.size());
  if (n == 0) return;
  const copy_eval::BleuScore bleu =
      cli::ValueOrExit(copy_eval::CorpusBleu(result.outputs, result.references));
  const copy_eval::MeanAndCount rouge =
      cli::ValueOrExit(copy_eval::CorpusRougeL(result.outputs, result.references));
  const double distinct1 = cli::ValueOrExit(copy_eval::DistinctN(result.outputs, 1));
  const double distinct2 = cli::ValueOrExit(copy_eval::DistinctN(result.outputs, 2));
  std::printf(
      "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.3f | %.3f (%d/%d claims wrong, %d unsupported) | "
      "%.3f (%d terms) | %.3f | %.3f | %.3f |\n",
      name, n, bleu.bleu, rouge.mean(), distinct1, distinct2,
      static_cast<double>(result.grounded) / n, static_cast<double>(result.claims) / n,
      result.contradicted, result.claims, result.unsupported,
      static_cast<double>(result.flagged_texts) / n, result.flagged_terms,
      static_cast<double>(result.ended) / n, static_cast<double>(result.served_grounded) / n,
      static_cast<double>(result.served_flagged_texts) / n);
}

// Trains the live Q&A intent classifier on the training questions and
// reports its accuracy on every test question, apart for the test questions
// that do not occur verbatim in training (the corpus's questions come from
// templates, so most do).
void EvaluateIntents(const std::vector<CorpusExample>& train,
                     const std::vector<CorpusExample>& test) {
  std::vector<copy_live::LabeledQuestion> questions;
  absl::flat_hash_set<std::string> seen;
  for (const CorpusExample& example : train) {
    if (example.kind != CorpusExample::kQa) continue;
    questions.push_back({.question = example.question, .intent = example.intent});
    seen.insert(example.question);
  }
  const auto classifier = cli::ValueOrExit(copy_live::IntentClassifier::Train(questions));
  std::vector<int> predicted, expected;
  int unseen = 0, unseen_correct = 0;
  for (const CorpusExample& example : test) {
    if (example.kind != CorpusExample::kQa) continue;
    predicted.push_back(classifier->Classify(example.question).intent);
    expected.push_back(example.intent);
    if (!seen.contains(example.question)) {
      ++unseen;
      unseen_correct += predicted.back() == expected.back();
    }
  }
  const copy_eval::IntentAccuracyReport report =
      cli::ValueOrExit(copy_eval::IntentAccuracy(predicted, expected));
  std::printf("\nintent accuracy: %.4f (%lld/%lld test questions; %d/%d of those not in train)\n",
              report.accuracy, static_cast<long long>(report.correct),
              static_cast<long long>(report.total), unseen_correct, unseen);
  for (const auto& [labels, count] : report.confusion) {
    if (labels.first == labels.second) continue;
    std::printf("  confused %s -> %s: %lld\n", cv1::Intent_Name(labels.first).c_str(),
                cv1::Intent_Name(labels.second).c_str(), static_cast<long long>(count));
  }
}

int Main() {
  const std::string corpus_dir = absl::GetFlag(FLAGS_corpus_dir);
  const auto test = ReadJsonl<CorpusExample>(corpus_dir + "/test.jsonl",
                                             &copy_corpus::ParseExamplesJsonl);
  absl::flat_hash_map<std::string, cv1::ProductKnowledge> knowledge;
  for (auto& entry : ReadJsonl<cv1::ProductKnowledge>(corpus_dir + "/knowledge.jsonl",
                                                      &copy_corpus::ParseKnowledgeJsonl)) {
    knowledge[entry.product().id()] = std::move(entry);
  }
  const auto compliance = cli::ValueOrExit(
      copy_compliance::ComplianceFilter::Load(absl::GetFlag(FLAGS_compliance_lexicon)));
  const auto checker =
      cli::ValueOrExit(copy_grounding::FactChecker::Create(copy_grounding::CatalogFactLexicon()));
  if (absl::Status threads = runtime::ConfigureThreads(absl::GetFlag(FLAGS_threads), 1);
      !threads.ok()) {
    cli::ExitWithReason(threads.ToString());
  }
  prometheus::Registry registry;
  runtime::InferenceMetrics metrics(registry);
  const auto repository = cli::ValueOrExit(runtime::ModelRepository::Create(
      {.root = absl::GetFlag(FLAGS_model_repository)}, &metrics, LoadCopyModel));
  if (absl::Status added = repository->AddModel(kCopyModelName); !added.ok()) {
    cli::ExitWithReason(added.ToString());
  }
  const auto loaded = repository->Get(kCopyModelName);
  const CopyModel& model = *AsCopyModel(*loaded);
  std::printf("model %s version %lld (%lld parameters); %zu test examples\n",
              loaded->name().c_str(), static_cast<long long>(loaded->version()),
              static_cast<long long>(model.lm().parameter_count()), test.size());

  GenerationRequest request;
  request.sampling = {.temperature = static_cast<float>(absl::GetFlag(FLAGS_temperature)),
                      .top_k = absl::GetFlag(FLAGS_top_k),
                      .top_p = static_cast<float>(absl::GetFlag(FLAGS_top_p)),
                      .repetition_penalty =
                          static_cast<float>(absl::GetFlag(FLAGS_repetition_penalty))};
  request.max_tokens = absl::GetFlag(FLAGS_max_tokens);
  const int limit = absl::GetFlag(FLAGS_limit);
  const int show = absl::GetFlag(FLAGS_show);
  std::map<CorpusExample::Kind, KindResult> results;
  const absl::Time start = absl::Now();
  int done = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    const CorpusExample& example = test[i];
    KindResult& result = results[example.kind];
    if (limit > 0 && static_cast<int>(result.outputs.size()) >= limit) continue;
    const auto it = knowledge.find(example.product_id);
    if (it == knowledge.end()) {
      cli::ExitWithReason(absl::StrCat("test.jsonl: product ", example.product_id,
                                       " is not in knowledge.jsonl"));
    }
    request.prompt = cli::ValueOrExit(EncodePrompt(model.tokenizer(), model.specials(), example.prompt));
    request.seed = absl::GetFlag(FLAGS_seed) + i;
    const GeneratedText generated = cli::ValueOrExit(Generate(model, request)).front();

    const copy_grounding::Facts facts =
        example.kind == CorpusExample::kQa
            ? copy_grounding::Facts::FromKnowledge(it->second, absl::Now())
            : copy_grounding::Facts::FromProduct(it->second.product());
    const cv1::GroundingReport grounding =
        checker->Check(generated.text, facts, /*repair=*/false).report;
    const cv1::ComplianceReport flagged =
        compliance->Apply(generated.text, cv1::COMPLIANCE_MODE_REPORT_ONLY).report;
    result.outputs.push_back(generated.text);
    result.references.push_back({example.completion});
    result.grounded += grounding.grounded();
    result.claims += grounding.facts_checked();
    result.contradicted += grounding.facts_contradicted();
    result.unsupported += grounding.facts_unsupported();
    result.flagged_texts += flagged.findings_size() > 0;
    result.flagged_terms += flagged.findings_size();
    result.ended += generated.finish == FinishReason::kEnd;
    // What a client gets: wrong facts repaired, then flagged terms rewritten;
    // checked again as the raw text was.
    const std::string served =
        CheckOutput(generated.text, facts, /*repair_facts=*/true, cv1::COMPLIANCE_MODE_REWRITE,
                    {.compliance = compliance.get(), .facts = checker.get()})
            .text;
    result.served_grounded += checker->Check(served, facts, /*repair=*/false).report.grounded();
    result.served_flagged_texts +=
        compliance->Apply(served, cv1::COMPLIANCE_MODE_REPORT_ONLY).report.findings_size() > 0;
    if (static_cast<int>(result.outputs.size()) <= show) {
      std::printf(
          "--- %s example %zu\nprompt:\n%s\nreference:\n%s\ngenerated (score %.3f, %d claims, "
          "%d wrong, %d ad-law terms):\n%s\nafter the fact and compliance checks:\n%s\n",
          example.kind == CorpusExample::kQa ? "Q&A" : "copy", i, example.prompt.c_str(),
          example.completion.c_str(), generated.score, grounding.facts_checked(),
          grounding.facts_contradicted() + grounding.facts_unsupported(), flagged.findings_size(),
          generated.text.c_str(), served.c_str());
    }
    if (++done % 50 == 0) {
      std::printf("%d examples in %.0f s\n", done, absl::ToDoubleSeconds(absl::Now() - start));
      std::fflush(stdout);
    }
  }
  std::printf(
      "\n| kind | examples | BLEU-4 | ROUGE-L | distinct-1 | distinct-2 | fact-consistent | "
      "claims per text | with ad-law terms | ended by the model | served: fact-consistent | "
      "served: with ad-law terms |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  PrintKind("copy", results[CorpusExample::kCopy]);
  PrintKind("live Q&A", results[CorpusExample::kQa]);
  std::printf("(%d examples in %.0f s)\n", done, absl::ToDoubleSeconds(absl::Now() - start));
  EvaluateIntents(ReadJsonl<CorpusExample>(corpus_dir + "/train.jsonl",
                                           &copy_corpus::ParseExamplesJsonl),
                  test);
  return 0;
}

}  // namespace
}  // namespace aigc::copywriter

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Evaluates the copy model on the corpus's held-out products: BLEU-4, ROUGE-L, "
      "distinct-1/2, fact consistency, advertising-law findings and intent accuracy.\n"
      "Usage: aigc-copy-eval [--model_repository=models] [--corpus_dir=data/copywriter/corpus] "
      "[--limit=300]");
  return aigc::copywriter::Main();
}
