#include "services/copywriter/eval/text_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status.h"
#include "services/copywriter/eval/metric_tokens.h"

namespace aigc::copy_eval {
namespace {

using Tokens = std::vector<std::string>;

// The n-grams of `tokens` in order, each as its tokens joined by one space
// (unambiguous: no token contains white space). Empty when |tokens| < n.
std::vector<std::string> Ngrams(const Tokens& tokens, int n) {
  std::vector<std::string> ngrams;
  const size_t width = static_cast<size_t>(n);
  for (size_t i = 0; i + width <= tokens.size(); ++i) {
    ngrams.push_back(absl::StrJoin(tokens.begin() + i, tokens.begin() + i + width, " "));
  }
  return ngrams;
}

absl::flat_hash_map<std::string, int64_t> CountNgrams(const Tokens& tokens, int n) {
  absl::flat_hash_map<std::string, int64_t> counts;
  for (std::string& ngram : Ngrams(tokens, n)) ++counts[std::move(ngram)];
  return counts;
}

absl::Status ValidateCorpus(absl::Span<const std::string> candidates,
                            absl::Span<const std::vector<std::string>> references) {
  if (candidates.empty()) return status::InvalidField("candidates", "must not be empty");
  if (references.size() != candidates.size()) {
    return status::InvalidField(
        "references", absl::StrCat("must have one entry per candidate (", candidates.size(),
                                   "), got ", references.size()));
  }
  for (size_t i = 0; i < references.size(); ++i) {
    if (references[i].empty()) {
      return status::InvalidField(absl::StrCat("references[", i, "]"),
                                  "must hold at least one reference text");
    }
  }
  return absl::OkStatus();
}

// The length of the reference nearest in length to `candidate_length`, the
// shorter on a tie. `references` is not empty.
int64_t ClosestReferenceLength(int64_t candidate_length, const std::vector<Tokens>& references) {
  int64_t best = static_cast<int64_t>(references.front().size());
  for (const Tokens& reference : references) {
    const int64_t length = static_cast<int64_t>(reference.size());
    const int64_t distance = std::llabs(length - candidate_length);
    const int64_t best_distance = std::llabs(best - candidate_length);
    if (distance < best_distance || (distance == best_distance && length < best)) best = length;
  }
  return best;
}

// Clipped matches of the order-n n-grams of `candidate` against `references`.
int64_t ClippedMatches(const Tokens& candidate, const std::vector<Tokens>& references, int n) {
  const absl::flat_hash_map<std::string, int64_t> candidate_counts = CountNgrams(candidate, n);
  absl::flat_hash_map<std::string, int64_t> max_reference_counts;
  for (const Tokens& reference : references) {
    for (const auto& [ngram, count] : CountNgrams(reference, n)) {
      int64_t& max_count = max_reference_counts[ngram];
      max_count = std::max(max_count, count);
    }
  }
  int64_t matches = 0;
  for (const auto& [ngram, count] : candidate_counts) {
    const auto it = max_reference_counts.find(ngram);
    if (it != max_reference_counts.end()) matches += std::min(count, it->second);
  }
  return matches;
}

std::vector<Tokens> TokenizeAll(absl::Span<const std::string> texts) {
  std::vector<Tokens> tokens;
  tokens.reserve(texts.size());
  for (const std::string& text : texts) tokens.push_back(MetricTokens(text));
  return tokens;
}

// |LCS(a, b)| by the classic dynamic programme, keeping one row of b.
int64_t LcsLength(const Tokens& a, const Tokens& b) {
  std::vector<int64_t> row(b.size() + 1, 0);
  for (const std::string& token : a) {
    int64_t diagonal = 0;  // The previous row's value at j - 1.
    for (size_t j = 1; j <= b.size(); ++j) {
      const int64_t above = row[j];
      row[j] = token == b[j - 1] ? diagonal + 1 : std::max(above, row[j - 1]);
      diagonal = above;
    }
  }
  return row.back();
}

double RougeLOfTokens(const Tokens& candidate, const Tokens& reference) {
  const int64_t lcs = LcsLength(candidate, reference);
  if (lcs == 0) return 0.0;
  const double precision = static_cast<double>(lcs) / static_cast<double>(candidate.size());
  const double recall = static_cast<double>(lcs) / static_cast<double>(reference.size());
  const double beta_squared = kRougeLBeta * kRougeLBeta;
  return (1.0 + beta_squared) * precision * recall / (recall + beta_squared * precision);
}

}  // namespace

absl::StatusOr<BleuScore> CorpusBleu(absl::Span<const std::string> candidates,
                                     absl::Span<const std::vector<std::string>> references) {
  AIGC_RETURN_IF_ERROR(ValidateCorpus(candidates, references));
  BleuScore score;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Tokens candidate = MetricTokens(candidates[i]);
    const std::vector<Tokens> reference_tokens = TokenizeAll(references[i]);
    const int64_t length = static_cast<int64_t>(candidate.size());
    score.candidate_length += length;
    score.reference_length += ClosestReferenceLength(length, reference_tokens);
    for (int n = 1; n <= kBleuMaxOrder; ++n) {
      score.matches[n - 1] += ClippedMatches(candidate, reference_tokens, n);
      score.totals[n - 1] += std::max<int64_t>(0, length - n + 1);
    }
  }

  double log_precision_sum = 0.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    const double denominator = static_cast<double>(std::max<int64_t>(1, score.totals[n]));
    const double numerator =
        score.matches[n] > 0 ? static_cast<double>(score.matches[n]) : kBleuSmoothingEpsilon;
    score.precisions[n] = numerator / denominator;
    log_precision_sum += std::log(score.precisions[n]);
  }

  if (score.candidate_length > 0) {
    score.brevity_penalty = score.candidate_length > score.reference_length
                                ? 1.0
                                : std::exp(1.0 - static_cast<double>(score.reference_length) /
                                                     static_cast<double>(score.candidate_length));
  }
  if (score.matches[0] > 0) {
    score.bleu = score.brevity_penalty * std::exp(log_precision_sum / kBleuMaxOrder);
  }
  return score;
}

double RougeL(std::string_view candidate, std::string_view reference) {
  return RougeLOfTokens(MetricTokens(candidate), MetricTokens(reference));
}

absl::StatusOr<MeanAndCount> CorpusRougeL(absl::Span<const std::string> candidates,
                                          absl::Span<const std::vector<std::string>> references) {
  AIGC_RETURN_IF_ERROR(ValidateCorpus(candidates, references));
  MeanAndCount result;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Tokens candidate = MetricTokens(candidates[i]);
    double best = 0.0;
    for (const std::string& reference : references[i]) {
      best = std::max(best, RougeLOfTokens(candidate, MetricTokens(reference)));
    }
    result.Add(best);
  }
  return result;
}

absl::StatusOr<double> DistinctN(absl::Span<const std::string> candidates, int n) {
  if (n < 1) return status::InvalidField("n", absl::StrCat("must be >= 1, got ", n));
  absl::flat_hash_set<std::string> distinct;
  int64_t total = 0;
  for (const std::string& candidate : candidates) {
    for (std::string& ngram : Ngrams(MetricTokens(candidate), n)) {
      distinct.insert(std::move(ngram));
      ++total;
    }
  }
  return total == 0 ? 0.0 : static_cast<double>(distinct.size()) / static_cast<double>(total);
}

}  // namespace aigc::copy_eval
