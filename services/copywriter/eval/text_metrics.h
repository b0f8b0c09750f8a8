// Reference-based and diversity metrics for generated copy: corpus BLEU-4,
// ROUGE-L and distinct-n.
//
// Every function takes raw texts and counts in the tokens of MetricTokens()
// (metric_tokens.h: one token per Chinese character, one per lower-cased
// ASCII word). Every score is in [0, 1]. All functions are pure and
// thread-safe. Inputs are read during the call only.
//
// Conventions: `candidates[i]` is a generated text and `references[i]` its
// held-out reference texts (one or more); the two spans are parallel.
#ifndef AIGC_SERVICES_COPYWRITER_EVAL_TEXT_METRICS_H_
#define AIGC_SERVICES_COPYWRITER_EVAL_TEXT_METRICS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/copywriter/eval/mean_and_count.h"

namespace aigc::copy_eval {

// BLEU's highest n-gram order.
inline constexpr int kBleuMaxOrder = 4;

// The epsilon that smoothing method 1 of Chen & Cherry (2014) adds to a zero
// numerator.
inline constexpr double kBleuSmoothingEpsilon = 0.1;

// Result of CorpusBleu. Index n - 1 of each array holds order n.
struct BleuScore {
  // The corpus BLEU-4 score, in [0, 1].
  double bleu = 0.0;
  // p_1..p_4 exactly as they enter the geometric mean (smoothed where the
  // match count is 0), each in [0, 1].
  std::array<double, kBleuMaxOrder> precisions{};
  // Clipped n-gram matches and candidate n-grams summed over the corpus.
  std::array<int64_t, kBleuMaxOrder> matches{};
  std::array<int64_t, kBleuMaxOrder> totals{};
  // BP in [0, 1]; 0 when the candidates have no token at all.
  double brevity_penalty = 0.0;
  // c: total candidate tokens; r: total closest-reference tokens.
  int64_t candidate_length = 0;
  int64_t reference_length = 0;
};

// Corpus-level BLEU-4 (Papineni et al., 2002), with counts summed over the
// whole corpus before any division (not a mean of sentence scores):
//
//   matches_n = sum_i sum_g min(count(g, cand_i), max_{ref in refs_i} count(g, ref))
//               over the distinct n-grams g of cand_i (clipping by the largest
//               count in any one reference);
//   totals_n  = sum_i max(0, |cand_i| - n + 1);
//   p_n       = matches_n / max(1, totals_n)                   if matches_n > 0,
//               kBleuSmoothingEpsilon / max(1, totals_n)       otherwise
//               ("method 1" of Chen & Cherry 2014, as NLTK's SmoothingFunction
//               .method1; the max(1, .) keeps an order with no candidate
//               n-gram at all, e.g. only 3-token candidates, defined: p_n = 0.1);
//   c = sum_i |cand_i|,  r = sum_i |closest reference of cand_i| (the length
//               nearest to |cand_i|; the shorter one on a tie);
//   BP        = 1 if c > r, else exp(1 - r / c);
//   BLEU      = BP * exp((1/4) * sum_{n=1..4} log p_n).
//
// BLEU is 0 when no candidate unigram matches anywhere in the corpus
// (including when c = 0): smoothing only rescues higher orders, as in NLTK.
//
// Fails with INVALID_ARGUMENT when `candidates` is empty, when the two spans
// differ in size, or when some references[i] is empty (an empty reference
// *text* is allowed: it has length 0).
absl::StatusOr<BleuScore> CorpusBleu(absl::Span<const std::string> candidates,
                                     absl::Span<const std::vector<std::string>> references);

// The beta of ROUGE-L's F-measure: recall weighs beta^2 = 1.44 times as much
// as precision, the value of the COCO caption evaluation (pycocoevalcap).
inline constexpr double kRougeLBeta = 1.2;

// ROUGE-L F-measure of one candidate against one reference (Lin, 2004):
//
//   L = |LCS(cand, ref)| (longest common token subsequence, not necessarily
//       contiguous),  P = L / |cand|,  R = L / |ref|,
//   F = (1 + beta^2) * P * R / (R + beta^2 * P),  beta = kRougeLBeta.
//
// F is 0 when L = 0, which includes an empty candidate or reference.
// O(|cand| * |ref|) time, O(|ref|) memory.
double RougeL(std::string_view candidate, std::string_view reference);

// The mean over i of max over references[i] of RougeL(candidates[i], ref),
// with its count (the number of candidates). Fails like CorpusBleu.
absl::StatusOr<MeanAndCount> CorpusRougeL(absl::Span<const std::string> candidates,
                                          absl::Span<const std::vector<std::string>> references);

// distinct-n (Li et al., 2016): the number of distinct n-grams divided by the
// total number of n-grams, both over all candidates together (n-grams do not
// span two candidates). 0 when there is no n-gram at all (no candidate, or
// all shorter than n tokens). Fails with INVALID_ARGUMENT when n < 1.
absl::StatusOr<double> DistinctN(absl::Span<const std::string> candidates, int n);

}  // namespace aigc::copy_eval

#endif  // AIGC_SERVICES_COPYWRITER_EVAL_TEXT_METRICS_H_
