// aigc-copy-live-intent-eval: trains the live Q&A intent classifier on the Q&A
// examples of the corpus's train.jsonl and reports its accuracy on those of
// test.jsonl (held-out products), overall and per intent; optionally writes
// the model.
//
//   build/services/copywriter/tools/aigc-copy-corpus --out_dir=/tmp/corpus
//   aigc-copy-live-intent-eval --corpus_dir=/tmp/corpus [--model_out=intent.txt]
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/cli/cli.h"
#include "services/copywriter/corpus/jsonl.h"
#include "services/copywriter/eval/intent_metrics.h"
#include "services/copywriter/live/intent_classifier.h"

ABSL_FLAG(std::string, corpus_dir, "data/copywriter/corpus",
          "Directory with train.jsonl and test.jsonl from aigc-copy-corpus.");
ABSL_FLAG(double, smoothing, 1.0, "Lidstone smoothing of the Naive Bayes counts (> 0).");
ABSL_FLAG(std::string, model_out, "", "When set, write the trained model to this file.");

namespace {

using aigc::cli::ValueOrExit;
using aigc::copy_live::LabeledQuestion;

std::vector<LabeledQuestion> QaExamples(const std::string& path) {
  const std::string text = ValueOrExit(aigc::copy_corpus::ReadTextFile(path));
  std::vector<LabeledQuestion> out;
  for (const auto& example : ValueOrExit(aigc::copy_corpus::ParseExamplesJsonl(text))) {
    if (example.kind == aigc::copy_corpus::CorpusExample::kQa) {
      out.push_back({example.question, example.intent});
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv, "Trains and evaluates the live Q&A intent classifier.");
  const std::string dir = absl::GetFlag(FLAGS_corpus_dir);
  const std::vector<LabeledQuestion> train = QaExamples(absl::StrCat(dir, "/train.jsonl"));
  const std::vector<LabeledQuestion> test = QaExamples(absl::StrCat(dir, "/test.jsonl"));
  const auto classifier = ValueOrExit(aigc::copy_live::IntentClassifier::Train(
      train, {.smoothing = absl::GetFlag(FLAGS_smoothing)}));

  // The corpus's questions come from templates, so most test questions also
  // occur verbatim in train; accuracy on the others is reported apart.
  absl::flat_hash_set<std::string> seen;
  for (const LabeledQuestion& example : train) seen.insert(example.question);
  std::vector<int> predicted;
  std::vector<int> expected;
  long long unseen = 0;
  long long unseen_correct = 0;
  for (const LabeledQuestion& example : test) {
    predicted.push_back(classifier->Classify(example.question).intent);
    expected.push_back(example.intent);
    if (!seen.contains(example.question)) {
      ++unseen;
      if (predicted.back() == expected.back()) ++unseen_correct;
    }
  }
  const auto report = ValueOrExit(aigc::copy_eval::IntentAccuracy(predicted, expected));
  std::printf("train: %zu questions; test: %zu questions (held-out products)\n", train.size(),
              test.size());
  std::printf("accuracy: %.4f (%lld/%lld)\n", report.accuracy,
              static_cast<long long>(report.correct), static_cast<long long>(report.total));
  std::printf("questions not in train: %lld/%lld correct\n", unseen_correct, unseen);
  std::map<int, std::pair<long long, long long>> per_intent;  // intent -> (correct, total)
  for (const auto& [labels, count] : report.confusion) {
    per_intent[labels.first].second += count;
    if (labels.first == labels.second) per_intent[labels.first].first += count;
  }
  for (const auto& [intent, counts] : per_intent) {
    std::printf("  %-18s %lld/%lld\n", aigc::copywriter::v1::Intent_Name(intent).c_str(),
                counts.first, counts.second);
  }
  for (const auto& [labels, count] : report.confusion) {
    if (labels.first == labels.second) continue;
    std::printf(
        "  confused %s -> %s: %lld\n", aigc::copywriter::v1::Intent_Name(labels.first).c_str(),
        aigc::copywriter::v1::Intent_Name(labels.second).c_str(), static_cast<long long>(count));
  }
  if (const std::string path = absl::GetFlag(FLAGS_model_out); !path.empty()) {
    const absl::Status saved = classifier->Save(path);
    if (!saved.ok()) aigc::cli::ExitWithReason(saved.ToString());
    std::printf("model written to %s\n", path.c_str());
  }
  return 0;
}
