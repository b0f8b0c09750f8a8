#include "services/recommender/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::recommender::eval {
namespace {

// Returns the ascending 1-based ranks r <= k at which `recommended` holds a relevant item for the
// first time.
std::vector<int> HitRanks(absl::Span<const int32_t> recommended,
                          const absl::flat_hash_set<int32_t>& relevant, int k) {
  std::vector<int> ranks;
  std::vector<int32_t> hit_items;
  const size_t n = std::min(recommended.size(), static_cast<size_t>(std::max(k, 0)));
  for (size_t i = 0; i < n; ++i) {
    const int32_t item = recommended[i];
    if (!relevant.contains(item)) continue;
    // Hits are at most |relevant|, so the linear search stays short.
    if (std::find(hit_items.begin(), hit_items.end(), item) != hit_items.end()) continue;
    hit_items.push_back(item);
    ranks.push_back(static_cast<int>(i) + 1);
  }
  return ranks;
}

double Discount(int rank) { return 1.0 / std::log2(rank + 1.0); }

struct Accuracy {
  double precision = 0.0;
  double recall = 0.0;
  double ndcg = 0.0;
  double average_precision = 0.0;
  double hit_rate = 0.0;
};

// The accuracy metrics at k from the hit ranks of a list (any hits past k are ignored), as
// documented in metrics.h.
Accuracy AccuracyAtK(absl::Span<const int> hit_ranks, size_t num_relevant, int k) {
  Accuracy accuracy;
  if (k < 1 || num_relevant == 0) return accuracy;
  int hits = 0;
  double dcg = 0.0;
  double precision_sum = 0.0;
  for (const int rank : hit_ranks) {
    if (rank > k) break;
    ++hits;
    dcg += Discount(rank);
    precision_sum += static_cast<double>(hits) / rank;
  }
  const int ideal_hits = static_cast<int>(std::min(num_relevant, static_cast<size_t>(k)));
  double ideal_dcg = 0.0;
  for (int rank = 1; rank <= ideal_hits; ++rank) ideal_dcg += Discount(rank);

  accuracy.precision = static_cast<double>(hits) / k;
  accuracy.recall = static_cast<double>(hits) / static_cast<double>(num_relevant);
  accuracy.ndcg = dcg / ideal_dcg;
  accuracy.average_precision = precision_sum / ideal_hits;
  accuracy.hit_rate = hits > 0 ? 1.0 : 0.0;
  return accuracy;
}

Accuracy ListAccuracy(absl::Span<const int32_t> recommended,
                      const absl::flat_hash_set<int32_t>& relevant, int k) {
  return AccuracyAtK(HitRanks(recommended, relevant, k), relevant.size(), k);
}

// A mean that leaves out NaN terms (metrics undefined for some lists). value() is meaningful only
// when !empty().
class NanSkippingMean {
 public:
  void Add(double value) {
    if (std::isnan(value)) return;
    sum_ += value;
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  double value() const { return sum_ / static_cast<double>(count_); }

 private:
  double sum_ = 0.0;
  int64_t count_ = 0;
};

// -log2((popularity_i + 1) / (num_users + 1)) per item: novelty as documented in metrics.h.
std::vector<double> SelfInformation(const std::vector<int64_t>& popularity, int64_t num_users) {
  std::vector<double> bits;
  bits.reserve(popularity.size());
  for (const int64_t count : popularity) {
    bits.push_back(-std::log2(static_cast<double>(count + 1) / static_cast<double>(num_users + 1)));
  }
  return bits;
}

}  // namespace

double PrecisionAtK(absl::Span<const int32_t> recommended,
                    const absl::flat_hash_set<int32_t>& relevant, int k) {
  return ListAccuracy(recommended, relevant, k).precision;
}

double RecallAtK(absl::Span<const int32_t> recommended,
                 const absl::flat_hash_set<int32_t>& relevant, int k) {
  return ListAccuracy(recommended, relevant, k).recall;
}

double NdcgAtK(absl::Span<const int32_t> recommended, const absl::flat_hash_set<int32_t>& relevant,
               int k) {
  return ListAccuracy(recommended, relevant, k).ndcg;
}

double AveragePrecisionAtK(absl::Span<const int32_t> recommended,
                           const absl::flat_hash_set<int32_t>& relevant, int k) {
  return ListAccuracy(recommended, relevant, k).average_precision;
}

double HitRateAtK(absl::Span<const int32_t> recommended,
                  const absl::flat_hash_set<int32_t>& relevant, int k) {
  return ListAccuracy(recommended, relevant, k).hit_rate;
}

absl::StatusOr<std::unique_ptr<RankingEvaluator>> RankingEvaluator::Create(
    RankingEvaluatorOptions options) {
  if (options.ks.empty()) return aigc::status::InvalidField("ks", "must not be empty");
  for (size_t i = 0; i < options.ks.size(); ++i) {
    if (options.ks[i] < 1) {
      return aigc::status::InvalidField(absl::StrCat("ks[", i, "]"),
                                        absl::StrCat("must be >= 1, got ", options.ks[i]));
    }
    if (std::find(options.ks.begin(), options.ks.begin() + i, options.ks[i]) !=
        options.ks.begin() + i) {
      return aigc::status::InvalidField(absl::StrCat("ks[", i, "]"),
                                        absl::StrCat("duplicate value ", options.ks[i]));
    }
  }
  if (options.num_items < 1) {
    return aigc::status::InvalidField("num_items",
                                      absl::StrCat("must be >= 1, got ", options.num_items));
  }
  if (options.num_train_users < 0) {
    return aigc::status::InvalidField("num_train_users",
                                      absl::StrCat("must be >= 0, got ", options.num_train_users));
  }
  if (options.item_popularity.size() != static_cast<size_t>(options.num_items)) {
    return aigc::status::InvalidField(
        "item_popularity", absl::StrCat("must have num_items = ", options.num_items,
                                        " entries, got ", options.item_popularity.size()));
  }
  for (size_t i = 0; i < options.item_popularity.size(); ++i) {
    const int64_t popularity = options.item_popularity[i];
    if (popularity < 0 || popularity > options.num_train_users) {
      return aigc::status::InvalidField(
          absl::StrCat("item_popularity[", i, "]"),
          absl::StrCat("must be in [0, num_train_users = ", options.num_train_users, "], got ",
                       popularity));
    }
  }
  return std::unique_ptr<RankingEvaluator>(new RankingEvaluator(std::move(options)));
}

RankingEvaluator::RankingEvaluator(RankingEvaluatorOptions options)
    : options_(std::move(options)),
      self_information_(SelfInformation(options_.item_popularity, options_.num_train_users)),
      covered_(options_.ks.size(), std::vector<bool>(options_.num_items, false)) {}

absl::Status RankingEvaluator::Add(int32_t user, absl::Span<const int32_t> recommended,
                                   const absl::flat_hash_set<int32_t>& relevant) {
  const auto check_item = [&](absl::string_view field, int32_t item) -> absl::Status {
    if (item < 0 || item >= options_.num_items) {
      return aigc::status::InvalidField(
          field,
          absl::StrCat("item ", item, " is outside [0, num_items = ", options_.num_items, ")"));
    }
    return absl::OkStatus();
  };
  absl::flat_hash_set<int32_t> distinct;
  for (const int32_t item : recommended) {
    AIGC_RETURN_IF_ERROR(check_item("recommended", item));
    if (!distinct.insert(item).second) {
      return aigc::status::InvalidField("recommended", absl::StrCat("item ", item, " repeats"));
    }
  }
  for (const int32_t item : relevant) AIGC_RETURN_IF_ERROR(check_item("relevant", item));

  if (relevant.empty()) {
    absl::MutexLock lock(&mu_);
    if (users_.contains(user) || !skipped_users_.insert(user).second) {
      return aigc::status::InvalidField("user", absl::StrCat("user ", user, " was already added"));
    }
    return absl::OkStatus();
  }

  const int max_k = *std::max_element(options_.ks.begin(), options_.ks.end());
  const size_t m = std::min(recommended.size(), static_cast<size_t>(max_k));
  const std::vector<int> hit_ranks = HitRanks(recommended, relevant, max_k);
  // Pairwise dissimilarities among the first max K items, computed once for every K.
  std::vector<double> dissimilarity;
  if (options_.similarity) {
    dissimilarity.assign(m * m, 0.0);
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = i + 1; j < m; ++j) {
        dissimilarity[i * m + j] = 1.0 - options_.similarity(recommended[i], recommended[j]);
      }
    }
  }

  std::vector<UserMetrics> per_k;
  per_k.reserve(options_.ks.size());
  for (const int k : options_.ks) {
    const size_t n = std::min(recommended.size(), static_cast<size_t>(k));
    const Accuracy accuracy = AccuracyAtK(hit_ranks, relevant.size(), k);
    UserMetrics metrics;
    metrics.precision = accuracy.precision;
    metrics.recall = accuracy.recall;
    metrics.ndcg = accuracy.ndcg;
    metrics.average_precision = accuracy.average_precision;
    metrics.hit_rate = accuracy.hit_rate;
    double popularity_sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
      metrics.novelty_sum += self_information_[recommended[i]];
      popularity_sum += static_cast<double>(options_.item_popularity[recommended[i]]);
    }
    metrics.novelty_count = static_cast<int64_t>(n);
    if (n > 0) metrics.arp = popularity_sum / static_cast<double>(n);
    if (options_.similarity && n >= 2) {
      double sum = 0.0;
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) sum += dissimilarity[i * m + j];
      }
      metrics.diversity = sum / (static_cast<double>(n * (n - 1)) / 2.0);
    }
    per_k.push_back(metrics);
  }

  absl::MutexLock lock(&mu_);
  if (skipped_users_.contains(user) || !users_.try_emplace(user, std::move(per_k)).second) {
    return aigc::status::InvalidField("user", absl::StrCat("user ", user, " was already added"));
  }
  for (size_t k_index = 0; k_index < options_.ks.size(); ++k_index) {
    const size_t n = std::min(recommended.size(), static_cast<size_t>(options_.ks[k_index]));
    for (size_t i = 0; i < n; ++i) covered_[k_index][recommended[i]] = true;
  }
  return absl::OkStatus();
}

RankingReport RankingEvaluator::Report() const {
  absl::MutexLock lock(&mu_);
  RankingReport report;
  report.num_users = static_cast<int64_t>(users_.size());
  report.num_skipped_users = static_cast<int64_t>(skipped_users_.size());
  if (users_.empty()) return report;

  const double num_users = static_cast<double>(users_.size());
  for (size_t k_index = 0; k_index < options_.ks.size(); ++k_index) {
    double precision = 0.0, recall = 0.0, ndcg = 0.0, average_precision = 0.0, hit_rate = 0.0;
    double novelty_sum = 0.0;
    int64_t novelty_count = 0;
    NanSkippingMean diversity;
    NanSkippingMean arp;
    // std::map iterates users in ascending order, so the sums do not depend on Add() order.
    for (const auto& [user, per_k] : users_) {
      const UserMetrics& metrics = per_k[k_index];
      precision += metrics.precision;
      recall += metrics.recall;
      ndcg += metrics.ndcg;
      average_precision += metrics.average_precision;
      hit_rate += metrics.hit_rate;
      novelty_sum += metrics.novelty_sum;
      novelty_count += metrics.novelty_count;
      diversity.Add(metrics.diversity);
      arp.Add(metrics.arp);
    }
    const std::string at = absl::StrCat("@", options_.ks[k_index]);
    report.metrics["precision" + at] = precision / num_users;
    report.metrics["recall" + at] = recall / num_users;
    report.metrics["ndcg" + at] = ndcg / num_users;
    report.metrics["map" + at] = average_precision / num_users;
    report.metrics["hit_rate" + at] = hit_rate / num_users;
    const auto covered = std::count(covered_[k_index].begin(), covered_[k_index].end(), true);
    report.metrics["coverage" + at] =
        static_cast<double>(covered) / static_cast<double>(options_.num_items);
    if (novelty_count > 0) {
      report.metrics["novelty" + at] = novelty_sum / static_cast<double>(novelty_count);
    }
    if (options_.similarity && !diversity.empty()) {
      report.metrics["diversity" + at] = diversity.value();
    }
    if (!arp.empty()) report.metrics["arp" + at] = arp.value();
  }
  return report;
}

}  // namespace aigc::recommender::eval
