// Offline top-K ranking metrics with binary relevance.
//
// Conventions for every function below: `recommended` is a ranked list, best first; only its
// first min(K, size) entries count (K larger than the list is allowed and simply finds no items
// past its end). An item repeated in the list counts at its first position only. `relevant` is
// the set of held-out items of the user. Ranks are 1-based.
#ifndef AIGC_SERVICES_RECOMMENDER_EVAL_METRICS_H_
#define AIGC_SERVICES_RECOMMENDER_EVAL_METRICS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace aigc::recommender::eval {

// Per-list accuracy metrics. Each returns a value in [0, 1], and 0 when k < 1 or `relevant` is
// empty (where recall and the normalisers are undefined; RankingEvaluator skips such users).
// Thread-safe (pure functions).

// hits@K / K, where hits@K = relevant items among the first K. The divisor is K even when the
// list is shorter, so short lists are penalised.
double PrecisionAtK(absl::Span<const int32_t> recommended,
                    const absl::flat_hash_set<int32_t>& relevant, int k);

// hits@K / |relevant|.
double RecallAtK(absl::Span<const int32_t> recommended,
                 const absl::flat_hash_set<int32_t>& relevant, int k);

// DCG@K / IDCG@K with DCG@K = sum over hits at rank r <= K of 1 / log2(r + 1), and IDCG@K the
// DCG of an ideal list, sum_{r=1}^{min(|relevant|, K)} 1 / log2(r + 1).
double NdcgAtK(absl::Span<const int32_t> recommended, const absl::flat_hash_set<int32_t>& relevant,
               int k);

// (sum over hits at rank i <= K of precision@i) / min(|relevant|, K). Its mean over users is
// MAP@K.
double AveragePrecisionAtK(absl::Span<const int32_t> recommended,
                           const absl::flat_hash_set<int32_t>& relevant, int k);

// 1 when any of the first K items is relevant, else 0.
double HitRateAtK(absl::Span<const int32_t> recommended,
                  const absl::flat_hash_set<int32_t>& relevant, int k);

// Similarity of two items (dense indices), typically in [0, 1]; symmetric.
using ItemSimilarity = std::function<double(int32_t, int32_t)>;

struct RankingEvaluatorOptions {
  // Cut-offs, each >= 1, distinct, e.g. {10, 20}.
  std::vector<int> ks = {10, 20};
  // Catalogue size: item indices are in [0, num_items). Must be >= 1.
  int32_t num_items = 0;
  // Train popularity per item: the number of distinct train users who interacted with item i,
  // in [0, num_train_users]. Must have num_items entries.
  std::vector<int64_t> item_popularity;
  // Number of users in the train data, >= 0.
  int64_t num_train_users = 0;
  // Item similarity for intra-list diversity. Empty = diversity is not reported. Called from
  // Add() without any lock held: it must be safe to call concurrently when Add() is.
  ItemSimilarity similarity;
};

// Result of RankingEvaluator::Report().
struct RankingReport {
  // Users whose lists were evaluated (non-empty relevant set).
  int64_t num_users = 0;
  // Users passed to Add() with an empty relevant set, hence skipped.
  int64_t num_skipped_users = 0;
  // "<metric>@<K>" -> value for every configured K, e.g. "ndcg@10". Empty when num_users is 0.
  std::map<std::string, double> metrics;
};

// Accumulates per-user top-K metrics and reports their means. For every configured K and over
// the evaluated users U (those with a non-empty relevant set), Report() gives:
//
//   precision@K, recall@K, ndcg@K, map@K, hit_rate@K
//       mean over U of the per-list functions above (map@K averages AveragePrecisionAtK).
//   coverage@K
//       |union over U of the first K recommended items| / num_items (catalogue coverage).
//   novelty@K
//       mean over all (user, item) entries among the first K items of every list in U of
//       -log2(p_i), p_i = (item_popularity[i] + 1) / (num_train_users + 1): the self-information
//       in bits of an item whose train popularity share is p_i, smoothed so that items nobody
//       saw in train have finite novelty log2(num_train_users + 1). Lists contribute in
//       proportion to their length. Absent when no list has an item.
//   diversity@K (only when options.similarity is set)
//       intra-list diversity: mean over lists of at least 2 items of the mean over unordered
//       pairs {i, j} among the first K items of 1 - similarity(i, j). Absent when no list has 2
//       items.
//   arp@K
//       average recommendation popularity (popularity bias): mean over non-empty lists of the
//       mean item_popularity of the first K items. Absent when every list is empty.
//
// Users skipped: an empty relevant set makes accuracy undefined, so Add() counts such a user in
// num_skipped_users and ignores its list.
//
// Thread-safe: Add() and Report() may be called concurrently from any threads (the driver
// evaluates users in parallel). The metrics are computed outside the lock; per-user results are
// kept and summed in user order, so the report does not depend on the order of Add() calls.
// Memory: O(num_items) plus a few doubles per user and K.
class RankingEvaluator {
 public:
  // Returns an evaluator. Fails with INVALID_ARGUMENT naming the option when ks is empty or has a
  // value < 1 or a duplicate, num_items < 1, item_popularity does not have num_items entries or
  // has an entry outside [0, num_train_users], or num_train_users < 0.
  static absl::StatusOr<std::unique_ptr<RankingEvaluator>> Create(RankingEvaluatorOptions options);

  RankingEvaluator(const RankingEvaluator&) = delete;
  RankingEvaluator& operator=(const RankingEvaluator&) = delete;

  // Records the top list of `user` (best first; it may be shorter than the largest K, e.g. when
  // filters leave fewer candidates) against the user's relevant (held-out) items. The arguments
  // are read during the call only. Fails with INVALID_ARGUMENT, recording nothing, when `user`
  // was already added, when an item of either argument is outside [0, num_items), or when
  // `recommended` repeats an item.
  absl::Status Add(int32_t user, absl::Span<const int32_t> recommended,
                   const absl::flat_hash_set<int32_t>& relevant);

  // Returns the means over the users added so far (see the class comment).
  RankingReport Report() const;

 private:
  // The metrics of one user at one K. diversity and arp are NaN when undefined for the list.
  struct UserMetrics {
    double precision = 0.0;
    double recall = 0.0;
    double ndcg = 0.0;
    double average_precision = 0.0;
    double hit_rate = 0.0;
    double novelty_sum = 0.0;
    int64_t novelty_count = 0;
    double diversity = std::numeric_limits<double>::quiet_NaN();
    double arp = std::numeric_limits<double>::quiet_NaN();
  };

  explicit RankingEvaluator(RankingEvaluatorOptions options);

  const RankingEvaluatorOptions options_;
  // -log2(p_i) per item, computed once.
  const std::vector<double> self_information_;

  mutable absl::Mutex mu_;
  // Per evaluated user, one entry per options_.ks, in that order.
  std::map<int32_t, std::vector<UserMetrics>> users_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int32_t> skipped_users_ ABSL_GUARDED_BY(mu_);
  // Per K (same order), whether item i was among the first K items of some evaluated list.
  std::vector<std::vector<bool>> covered_ ABSL_GUARDED_BY(mu_);
};

}  // namespace aigc::recommender::eval

#endif  // AIGC_SERVICES_RECOMMENDER_EVAL_METRICS_H_
