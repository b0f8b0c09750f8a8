#include "services/copywriter/live/intent_classifier.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"
#include "common/text/utf8.h"

namespace aigc::copy_live {
namespace {

constexpr absl::string_view kHeader = "aigc-intent-nb";
constexpr int kFormatVersion = 1;
constexpr int kMaxGram = 3;

bool IsSpace(char32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x00A0 || c == 0x3000;
}

// The question as the model sees it (see the header).
std::u32string Canonical(std::string_view question) {
  std::u32string out;
  bool pending_space = false;
  for (char32_t c : text::DecodeUtf8(question)) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    out.push_back(c);
  }
  return out;
}

absl::Status LineError(int line, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", problem));
}

// "<hex>,<hex>,..." -> UTF-8 of 1..kMaxGram code points.
bool ParseGram(absl::string_view hex, std::string* gram) {
  std::u32string code_points;
  for (absl::string_view part : absl::StrSplit(hex, ',')) {
    uint32_t c = 0;
    if (part.empty() || part.size() > 6 || !absl::SimpleHexAtoi(part, &c) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF)) {
      return false;
    }
    code_points.push_back(static_cast<char32_t>(c));
  }
  if (code_points.size() > static_cast<size_t>(kMaxGram)) return false;
  *gram = text::EncodeUtf8(code_points);
  return true;
}

std::string GramToHex(std::string_view gram) {
  return absl::StrJoin(text::DecodeUtf8(gram), ",", [](std::string* out, char32_t c) {
    absl::StrAppend(out, absl::Hex(static_cast<uint32_t>(c)));
  });
}

}  // namespace

bool NeedsHandOff(v1::Intent intent) {
  return intent == v1::INTENT_COMPLAINT || intent == v1::INTENT_OTHER;
}

bool NeedsHandOff(const IntentPrediction& prediction, double min_confidence) {
  return NeedsHandOff(prediction.intent) || prediction.confidence < min_confidence;
}

std::vector<std::string> IntentFeatures(std::string_view question) {
  const std::u32string canonical = Canonical(question);
  std::vector<std::string> features;
  for (size_t n = 1; n <= kMaxGram; ++n) {
    for (size_t i = 0; i + n <= canonical.size(); ++i) {
      features.push_back(text::EncodeUtf8(std::u32string_view(canonical).substr(i, n)));
    }
  }
  return features;
}

absl::StatusOr<std::unique_ptr<IntentClassifier>> IntentClassifier::Train(
    std::span<const LabeledQuestion> examples, const IntentClassifierOptions& options) {
  if (!(options.smoothing > 0.0) || !std::isfinite(options.smoothing)) {
    return status::InvalidField("smoothing", "must be a finite number > 0");
  }
  if (examples.empty()) return status::InvalidField("examples", "must not be empty");
  Model model;
  model.smoothing = options.smoothing;
  std::vector<v1::Intent> labels;
  for (size_t i = 0; i < examples.size(); ++i) {
    const v1::Intent intent = examples[i].intent;
    if (intent == v1::INTENT_UNSPECIFIED || !v1::Intent_IsValid(intent)) {
      return status::InvalidField(absl::StrCat("examples[", i, "].intent"),
                                  absl::StrCat("must be a known intent other than "
                                               "INTENT_UNSPECIFIED, got ",
                                               static_cast<int>(intent)));
    }
    labels.push_back(intent);
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  for (v1::Intent intent : labels) model.intents.push_back(IntentStats{intent});
  for (size_t i = 0; i < examples.size(); ++i) {
    const std::vector<std::string> features = IntentFeatures(examples[i].question);
    if (features.empty()) {
      return status::InvalidField(absl::StrCat("examples[", i, "].question"),
                                  "has no characters besides whitespace");
    }
    const size_t c = static_cast<size_t>(
        std::lower_bound(labels.begin(), labels.end(), examples[i].intent) - labels.begin());
    ++model.intents[c].questions;
    model.intents[c].gram_total += static_cast<int64_t>(features.size());
    for (const std::string& gram : features) {
      auto& counts = model.counts[gram];
      counts.resize(labels.size());
      ++counts[c];
    }
  }
  return std::unique_ptr<IntentClassifier>(new IntentClassifier(std::move(model)));
}

IntentClassifier::IntentClassifier(Model model) : model_(std::move(model)) {
  int64_t questions = 0;
  for (const IntentStats& stats : model_.intents) questions += stats.questions;
  std::vector<double> log_denominator;
  const double vocabulary = static_cast<double>(model_.counts.size());
  for (const IntentStats& stats : model_.intents) {
    log_prior_.push_back(std::log(static_cast<double>(stats.questions) / questions));
    log_denominator.push_back(
        std::log(static_cast<double>(stats.gram_total) + model_.smoothing * vocabulary));
  }
  for (const auto& [gram, counts] : model_.counts) {
    std::vector<double>& log_p = log_likelihood_[gram];
    for (size_t c = 0; c < counts.size(); ++c) {
      log_p.push_back(std::log(static_cast<double>(counts[c]) + model_.smoothing) -
                      log_denominator[c]);
    }
  }
}

IntentPrediction IntentClassifier::Classify(std::string_view question) const {
  std::vector<double> scores = log_prior_;
  for (const std::string& gram : IntentFeatures(question)) {
    const auto it = log_likelihood_.find(gram);
    if (it == log_likelihood_.end()) continue;
    for (size_t c = 0; c < scores.size(); ++c) scores[c] += it->second[c];
  }
  // max_element returns the first maximum: ties go to the smaller intent.
  const size_t best =
      static_cast<size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  double sum = 0.0;
  for (double score : scores) sum += std::exp(score - scores[best]);
  return IntentPrediction{model_.intents[best].intent, 1.0 / sum};
}

std::vector<v1::Intent> IntentClassifier::intents() const {
  std::vector<v1::Intent> out;
  for (const IntentStats& stats : model_.intents) out.push_back(stats.intent);
  return out;
}

std::string IntentClassifier::Serialize() const {
  std::string out = absl::StrCat(kHeader, " ", kFormatVersion, "\n");
  absl::StrAppend(&out, "smoothing ", absl::StrFormat("%.17g", model_.smoothing), "\n");
  for (const IntentStats& stats : model_.intents) {
    absl::StrAppend(&out, "intent ", static_cast<int>(stats.intent), " ", stats.questions, " ",
                    stats.gram_total, "\n");
  }
  std::vector<const std::pair<const std::string, std::vector<int64_t>>*> grams;
  for (const auto& entry : model_.counts) grams.push_back(&entry);
  std::sort(grams.begin(), grams.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : grams) {
    absl::StrAppend(&out, "gram ", GramToHex(entry->first));
    for (size_t c = 0; c < entry->second.size(); ++c) {
      if (entry->second[c] == 0) continue;
      absl::StrAppend(&out, " ", static_cast<int>(model_.intents[c].intent), ":", entry->second[c]);
    }
    out.push_back('\n');
  }
  return out;
}

absl::StatusOr<std::unique_ptr<IntentClassifier>> IntentClassifier::Parse(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return LineError(1, "empty file");
  const std::string header = absl::StrCat(kHeader, " ", kFormatVersion);
  if (lines[0] != header) {
    return LineError(
        1, absl::StrCat("expected \"", header, "\" (format version ", kFormatVersion, ")"));
  }
  Model model;
  if (lines.size() < 2 || !absl::ConsumePrefix(&lines[1], "smoothing ") ||
      !absl::SimpleAtod(lines[1], &model.smoothing) || !(model.smoothing > 0.0) ||
      !std::isfinite(model.smoothing)) {
    return LineError(2, "expected \"smoothing <number > 0>\"");
  }
  size_t i = 2;
  std::vector<int> intent_lines;
  for (; i < lines.size() && absl::StartsWith(lines[i], "intent "); ++i) {
    const int line = static_cast<int>(i) + 1;
    std::vector<absl::string_view> fields = absl::StrSplit(lines[i], ' ');
    int number = 0;
    IntentStats stats{};
    if (fields.size() != 4 || !absl::SimpleAtoi(fields[1], &number) ||
        !absl::SimpleAtoi(fields[2], &stats.questions) ||
        !absl::SimpleAtoi(fields[3], &stats.gram_total) || stats.questions < 1 ||
        stats.gram_total < 1) {
      return LineError(line, "expected \"intent <number> <questions >= 1> <gram total >= 1>\"");
    }
    if (number == v1::INTENT_UNSPECIFIED || !v1::Intent_IsValid(number)) {
      return LineError(line, absl::StrCat("unknown intent ", number));
    }
    stats.intent = static_cast<v1::Intent>(number);
    if (!model.intents.empty() && model.intents.back().intent >= stats.intent) {
      return LineError(line, "intents must be listed in ascending order, each once");
    }
    model.intents.push_back(stats);
    intent_lines.push_back(line);
  }
  if (model.intents.empty()) {
    return LineError(static_cast<int>(i) + 1, "expected at least one \"intent\" line");
  }
  std::vector<int64_t> sums(model.intents.size(), 0);
  for (; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    std::vector<absl::string_view> fields = absl::StrSplit(lines[i], ' ');
    std::string gram;
    if (fields.size() < 3 || fields[0] != "gram" || !ParseGram(fields[1], &gram)) {
      return LineError(line, "expected \"gram <hex code points> <intent>:<count> ...\"");
    }
    std::vector<int64_t> counts(model.intents.size(), 0);
    for (size_t f = 2; f < fields.size(); ++f) {
      std::pair<absl::string_view, absl::string_view> pair = absl::StrSplit(fields[f], ':');
      int number = 0;
      int64_t count = 0;
      if (!absl::SimpleAtoi(pair.first, &number) || !absl::SimpleAtoi(pair.second, &count) ||
          count < 1) {
        return LineError(line, absl::StrCat("bad count \"", fields[f], "\""));
      }
      const auto it = std::find_if(model.intents.begin(), model.intents.end(),
                                   [number](const IntentStats& s) { return s.intent == number; });
      if (it == model.intents.end()) {
        return LineError(line, absl::StrCat("intent ", number, " has no \"intent\" line"));
      }
      const size_t c = static_cast<size_t>(it - model.intents.begin());
      if (counts[c] != 0) return LineError(line, absl::StrCat("intent ", number, " twice"));
      counts[c] = count;
      sums[c] += count;
    }
    if (!model.counts.emplace(std::move(gram), std::move(counts)).second) {
      return LineError(line, "duplicate gram");
    }
  }
  for (size_t c = 0; c < sums.size(); ++c) {
    if (sums[c] != model.intents[c].gram_total) {
      return LineError(intent_lines[c],
                       absl::StrCat("gram total ", model.intents[c].gram_total,
                                    " differs from the sum of the gram counts, ", sums[c]));
    }
  }
  return std::unique_ptr<IntentClassifier>(new IntentClassifier(std::move(model)));
}

absl::StatusOr<std::unique_ptr<IntentClassifier>> IntentClassifier::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto classifier = Parse(text.str());
  if (!classifier.ok()) {
    return absl::Status(classifier.status().code(),
                        absl::StrCat(path, ": ", classifier.status().message()));
  }
  return classifier;
}

absl::Status IntentClassifier::Save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string text = Serialize();
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    return absl::UnknownError(absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace aigc::copy_live
