#include "services/recommender/serving/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/hybrid.h"
#include "services/recommender/algorithms/profile.h"
#include "services/recommender/core/top_k.h"
#include "services/recommender/repository/rec_models.h"
#include "services/recommender/serving/reasons.h"
#include "services/recommender/validation/validation.h"

namespace aigc::recommender {

namespace v1 = aigc::recommender::v1;
namespace common = aigc::common::v1;

namespace {

constexpr int kMaxContextItems = 100;
constexpr int kMaxPairs = 1000;

// A loaded version and the model inside it.
struct Handle {
  std::shared_ptr<const runtime::LoadedModel> loaded;
  const RecModel* model = nullptr;
};

// Scores in the index space of the first (heaviest) component; the others'
// standardised scores are mapped into it by item id.
class Scorer {
 public:
  void Add(Handle handle, double weight) { components_.emplace_back(std::move(handle), weight); }
  bool empty() const { return components_.empty(); }
  const Handle& primary() const { return components_.front().first; }
  bool blended() const { return components_.size() > 1; }

  // Orders components heaviest first.
  void Finish() {
    std::stable_sort(components_.begin(), components_.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }

  // Each item of a component's model mapped to the primary model's index
  // (-1 when absent).
  using ItemMapping = std::function<std::shared_ptr<const std::vector<int32_t>>(
      const runtime::LoadedModel& component, const runtime::LoadedModel& primary)>;

  // Scores every item of the primary model for a history; returns the
  // primary model's profile (for explanations).
  UserProfile Score(absl::string_view user_id, const std::vector<HistoryEntry>& history,
                    const ItemMapping& mapping, std::vector<float>& scores) const {
    const RecModel& primary_model = *primary().model;
    scores.assign(primary_model.items().size(), 0.0f);
    UserProfile primary_profile;
    std::vector<float> component_scores;
    for (size_t c = 0; c < components_.size(); ++c) {
      const RecModel& model = *components_[c].first.model;
      UserProfile profile = ProfileFor(model, user_id, history);
      if (!blended()) {
        model.Score(profile, absl::MakeSpan(scores));
        return profile;
      }
      component_scores.assign(model.items().size(), 0.0f);
      model.Score(profile, absl::MakeSpan(component_scores));
      std::vector<float> mapped(scores.size(), -std::numeric_limits<float>::infinity());
      if (c == 0) {
        mapped = component_scores;
      } else {
        const auto to_primary = mapping(*components_[c].first.loaded, *primary().loaded);
        for (int32_t j = 0; j < model.items().size(); ++j) {
          if ((*to_primary)[j] >= 0) mapped[(*to_primary)[j]] = component_scores[j];
        }
      }
      AddStandardised(mapped, components_[c].second, absl::MakeSpan(scores));
      if (c == 0) primary_profile = std::move(profile);
    }
    return primary_profile;
  }

  static UserProfile ProfileFor(const RecModel& model, absl::string_view user_id,
                                const std::vector<HistoryEntry>& history) {
    std::vector<Interaction> interactions;
    interactions.reserve(history.size());
    for (const HistoryEntry& entry : history) {
      interactions.push_back({.user = 0,
                              .item = model.items().Find(entry.item_id),
                              .weight = ImplicitWeight(entry.type),
                              .rating = entry.rating,
                              .time = entry.time});
    }
    return MakeProfile(model.users().Find(user_id), interactions);
  }

 private:
  std::vector<std::pair<Handle, double>> components_;
};

struct Candidate {
  int32_t index = 0;
  float score = 0;
  std::shared_ptr<const ItemInfo> info;
};

// The best-scored items that `accept` keeps, at most `wanted`, best first.
// Widens its look at the scores until it has enough or has seen them all.
std::vector<Candidate> BestCandidates(
    const std::vector<float>& scores, int wanted,
    const std::function<std::shared_ptr<const ItemInfo>(int32_t)>& accept) {
  std::vector<Candidate> found;
  const int total = static_cast<int>(scores.size());
  int looked = 0;
  for (int k = std::min(total, wanted * 2 + 16); looked < total; k = std::min(total, k * 4)) {
    const std::vector<int32_t> top = TopK(scores, k);
    for (int n = looked; n < k && static_cast<int>(found.size()) < wanted; ++n) {
      const int32_t index = top[n];
      if (!std::isfinite(scores[index])) return found;  // the rest are unproposed
      if (auto info = accept(index)) found.push_back({index, scores[index], std::move(info)});
    }
    looked = k;
    if (static_cast<int>(found.size()) >= wanted) break;
  }
  return found;
}

// The exploration slots of a list of `count`: the bandit's picks among the
// next-best candidates after `picked`, where the model is less sure. Each
// pick is recorded as an impression.
std::vector<Candidate> Explore(
    ExplorationBandit* bandit, float share, absl::string_view user_id,
    const std::vector<float>& scores, int count, const std::vector<Candidate>& picked,
    const std::function<std::shared_ptr<const ItemInfo>(int32_t)>& accept) {
  if (bandit == nullptr || count < 2) return {};
  const int slots = std::max(1, static_cast<int>(count * std::min(share, 0.2f)));
  constexpr int kArms = 30;
  std::vector<Candidate> arms;
  for (Candidate& candidate : BestCandidates(scores, count + kArms, accept)) {
    const bool listed = std::any_of(picked.begin(), picked.end(),
                                    [&](const Candidate& p) { return p.index == candidate.index; });
    if (!listed) arms.push_back(std::move(candidate));
  }
  std::vector<Candidate> explored;
  const uint64_t seed =
      static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())) ^
      std::hash<std::string_view>()(std::string_view(user_id.data(), user_id.size()));
  for (int slot = 0; slot < slots && !arms.empty(); ++slot) {
    std::vector<std::string> ids;
    for (const Candidate& arm : arms) ids.push_back(arm.info->product.id());
    const int chosen = bandit->Pick(ids, seed + static_cast<uint64_t>(slot));
    bandit->RecordImpression(user_id, ids[chosen]);
    explored.push_back(arms[chosen]);
    arms.erase(arms.begin() + chosen);
  }
  return explored;
}

// Maximal marginal relevance: each pick maximises
// lambda * relevance - (1 - lambda) * max token similarity to the picks so
// far, relevance being the score scaled to [0, 1] over the pool.
std::vector<Candidate> Diversify(std::vector<Candidate> pool, int count, float lambda) {
  if (lambda >= 1.0f || pool.size() <= 1) {
    if (static_cast<int>(pool.size()) > count) pool.resize(count);
    return pool;
  }
  float low = pool.back().score;
  float high = pool.front().score;
  const float range = high > low ? high - low : 1.0f;
  std::vector<Candidate> picked;
  std::vector<double> max_similarity(pool.size(), 0.0);
  std::vector<bool> used(pool.size(), false);
  while (static_cast<int>(picked.size()) < count && picked.size() < pool.size()) {
    size_t best = 0;
    double best_value = -std::numeric_limits<double>::infinity();
    for (size_t n = 0; n < pool.size(); ++n) {
      if (used[n]) continue;
      const double relevance = (pool[n].score - low) / range;
      const double value = lambda * relevance - (1.0 - lambda) * max_similarity[n];
      if (value > best_value) {
        best_value = value;
        best = n;
      }
    }
    used[best] = true;
    picked.push_back(pool[best]);
    for (size_t n = 0; n < pool.size(); ++n) {
      if (!used[n]) {
        max_similarity[n] =
            std::max(max_similarity[n], TokenSimilarity(*pool[n].info, *pool[best].info));
      }
    }
  }
  return picked;
}

common::ModelRef RefOf(const Handle& handle) {
  common::ModelRef ref;
  ref.set_name(handle.loaded->name());
  ref.set_version(absl::StrCat(handle.loaded->version()));
  return ref;
}

absl::Status ValidateAlgorithmValue(int value, absl::string_view field) {
  if (!v1::Algorithm_IsValid(value)) {
    return status::InvalidField(field, absl::StrCat("unknown algorithm ", value));
  }
  return absl::OkStatus();
}

absl::Status ValidateContext(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  if (ids.size() > kMaxContextItems) {
    return status::InvalidField(
        "context_item_ids", absl::StrCat("at most ", kMaxContextItems, " ids, got ", ids.size()));
  }
  for (int i = 0; i < ids.size(); ++i) {
    AIGC_RETURN_IF_ERROR(ValidateItemId(absl::StrCat("context_item_ids[", i, "]"), ids[i]));
  }
  return absl::OkStatus();
}

}  // namespace

RecommendEngine::RecommendEngine(const runtime::ModelRepository* models, const ItemDirectory* items,
                                 const UserHistories* histories, EngineOptions options)
    : models_(models), items_(items), histories_(histories), options_(std::move(options)) {}

std::shared_ptr<const std::vector<int32_t>> RecommendEngine::ItemMapping(
    const runtime::LoadedModel& component, const runtime::LoadedModel& primary) const {
  // Versions are never republished, so name and version identify the items.
  const std::string key = absl::StrCat(component.name(), "/", component.version(), ">",
                                       primary.name(), "/", primary.version());
  {
    absl::ReaderMutexLock lock(&mappings_mu_);
    if (auto it = mappings_.find(key); it != mappings_.end()) return it->second;
  }
  const RecModel& from = *AsRecModel(component);
  const RecModel& to = *AsRecModel(primary);
  auto mapping = std::make_shared<std::vector<int32_t>>(from.items().size());
  for (int32_t j = 0; j < from.items().size(); ++j)
    (*mapping)[j] = to.items().Find(from.items().Id(j));
  absl::MutexLock lock(&mappings_mu_);
  // Old versions' mappings go once the models change; a handful stay alive.
  if (mappings_.size() >= 16) mappings_.clear();
  return mappings_.emplace(key, std::move(mapping)).first->second;
}

std::shared_ptr<const runtime::LoadedModel> RecommendEngine::Loaded(v1::Algorithm algorithm) const {
  auto loaded = models_->Get(RepositoryModelName(algorithm));
  return loaded != nullptr && AsRecModel(*loaded) != nullptr ? loaded : nullptr;
}

namespace {

// What every item of one Recommend response needs for its reason.
struct ReasonContext {
  const ItemDirectory& items;
  const absl::flat_hash_set<std::string>& context_ids;
  ReasonLanguage language;
  // The user's favourite categories and the creation time after which an
  // item counts as new (REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY).
  absl::flat_hash_set<int> favourite_categories;
  absl::Time new_since;
};

// The categories behind most of `history`: up to three, each with at least
// two events, so one stray view does not make a favourite.
absl::flat_hash_set<int> FavouriteCategories(const std::vector<HistoryEntry>& history,
                                             const ItemDirectory& items) {
  constexpr int kMaxFavourites = 3;
  constexpr int kMinEvents = 2;
  absl::flat_hash_map<int, int> counts;
  for (const HistoryEntry& entry : history) {
    auto info = items.Find(entry.item_id);
    if (info != nullptr && info->product.category() != common::CATEGORY_UNSPECIFIED) {
      ++counts[info->product.category()];
    }
  }
  std::vector<std::pair<int, int>> ranked(counts.begin(), counts.end());  // (category, count)
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  absl::flat_hash_set<int> favourites;
  for (const auto& [category, count] : ranked) {
    if (count < kMinEvents || static_cast<int>(favourites.size()) == kMaxFavourites) break;
    favourites.insert(category);
  }
  return favourites;
}

bool IsNewInFavouriteCategory(const common::Product& product, const ReasonContext& context) {
  return product.has_created_time() &&
         context.favourite_categories.contains(product.category()) &&
         absl::FromUnixSeconds(product.created_time().seconds()) >= context.new_since;
}

// Fills `item` from a candidate of `model` and its explanation.
void FillItem(const Candidate& candidate, int rank, const Explanation& explanation,
              const RecModel& model, const ReasonContext& context, bool include_details,
              v1::RecommendedItem& item) {
  const common::Product& product = candidate.info->product;
  item.set_item_id(product.id());
  item.set_rank(rank);
  item.set_score(candidate.score);
  ReasonFacts facts{
      .type = explanation.type, .category = product.category(), .token = explanation.token};
  for (int32_t cited : explanation.items) {
    const std::string& id = model.items().Id(cited);
    if (id == product.id()) continue;
    item.add_reason_item_ids(id);
    if (facts.cited_title.empty()) {
      if (auto info = context.items.Find(id)) facts.cited_title = info->product.title();
      if (context.context_ids.contains(id)) facts.type = v1::REASON_TYPE_SIMILAR_TO_CONTEXT;
    }
  }
  if (facts.type == v1::REASON_TYPE_POPULAR && product.category() != common::CATEGORY_UNSPECIFIED) {
    facts.type = v1::REASON_TYPE_POPULAR_IN_CATEGORY;
  }
  if (facts.type != v1::REASON_TYPE_EXPLORATION && IsNewInFavouriteCategory(product, context)) {
    facts.type = v1::REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY;
  }
  item.set_reason_type(facts.type);
  item.set_reason(ReasonText(facts, context.language));
  if (include_details) *item.mutable_item() = product;
}

}  // namespace

absl::StatusOr<v1::RecommendResponse> RecommendEngine::Recommend(
    const v1::RecommendRequest& request) const {
  AIGC_RETURN_IF_ERROR(ValidateUserId("user_id", request.user_id()));
  AIGC_ASSIGN_OR_RETURN(const int32_t count, ValidateCount(request.count()));
  AIGC_RETURN_IF_ERROR(ValidateAlgorithmValue(request.algorithm(), "algorithm"));
  AIGC_RETURN_IF_ERROR(ValidateItemFilter(request.filter(), "filter"));
  AIGC_RETURN_IF_ERROR(ValidateContext(request.context_item_ids()));
  float lambda = options_.default_diversity_lambda;
  if (request.has_diversity_lambda()) {
    AIGC_RETURN_IF_ERROR(ValidateDiversityLambda(request.diversity_lambda()));
    lambda = request.diversity_lambda();
  }

  // Everything remembered counts as seen; the newest events (then the
  // context items, as fresh views) make the profile.
  std::vector<HistoryEntry> history = histories_->Get(request.user_id());
  absl::flat_hash_set<std::string> excluded(request.filter().exclude_item_ids().begin(),
                                            request.filter().exclude_item_ids().end());
  const bool exclude_seen = !request.filter().has_exclude_seen() || request.filter().exclude_seen();
  if (exclude_seen) {
    for (const HistoryEntry& entry : history) excluded.insert(entry.item_id);
  }
  absl::flat_hash_set<std::string> context_ids;
  ReasonContext reasons{.items = *items_,
                        .context_ids = context_ids,
                        .language = LanguageOfLocale(request.metadata().locale()),
                        .favourite_categories = FavouriteCategories(history, *items_),
                        .new_since = absl::Now() - options_.new_item_window};
  if (static_cast<int>(history.size()) > options_.max_profile_events) {
    history.erase(history.begin(), history.end() - options_.max_profile_events);
  }
  const int64_t now = history.empty() ? 0 : history.back().time;
  for (const std::string& id : request.context_item_ids()) {
    if (items_->Find(id) == nullptr || !context_ids.insert(id).second) continue;
    history.push_back({.item_id = id,
                       .type = v1::EVENT_TYPE_VIEW,
                       .rating = std::numeric_limits<float>::quiet_NaN(),
                       .time = now});
    excluded.insert(id);
  }

  // Which models rank: the request's algorithm, or the default with
  // fallbacks to popularity.
  v1::RecommendResponse response;
  const bool explicit_algorithm = request.algorithm() != v1::ALGORITHM_UNSPECIFIED;
  v1::Algorithm algorithm = explicit_algorithm ? request.algorithm() : options_.default_algorithm;
  if (!explicit_algorithm) {
    AIGC_ASSIGN_OR_RETURN(
        const std::optional<Assignment> assignment,
        options_.experiments.Assign(request.user_id(), request.metadata().experiment_tags()));
    if (assignment.has_value()) {
      algorithm = assignment->algorithm;
      response.set_experiment_id(assignment->experiment_id);
      response.set_variant(assignment->variant);
      if (!request.has_diversity_lambda() && assignment->diversity_lambda.has_value()) {
        lambda = *assignment->diversity_lambda;
      }
    }
  }
  Scorer scorer;
  if (history.empty()) {
    algorithm = v1::ALGORITHM_POPULARITY;
    response.set_fallback_reason(v1::FALLBACK_REASON_COLD_START_USER);
  }
  if (algorithm == v1::ALGORITHM_HYBRID) {
    for (const auto& [component, weight] : HybridWeights(options_.params)) {
      if (auto loaded = Loaded(component)) scorer.Add({loaded, AsRecModel(*loaded)}, weight);
    }
  } else if (auto loaded = Loaded(algorithm)) {
    scorer.Add({loaded, AsRecModel(*loaded)}, 1.0);
  }
  if (scorer.empty()) {
    if (explicit_algorithm && algorithm == request.algorithm()) {
      return absl::UnavailableError(
          absl::StrCat("algorithm: model for ", v1::Algorithm_Name(algorithm), " not loaded"));
    }
    if (response.fallback_reason() == v1::FALLBACK_REASON_UNSPECIFIED) {
      response.set_fallback_reason(v1::FALLBACK_REASON_MODEL_NOT_LOADED);
    }
    algorithm = v1::ALGORITHM_POPULARITY;
    auto popular = Loaded(algorithm);
    if (popular == nullptr) {
      return absl::UnavailableError(
          "no recommendation model is loaded (train one with aigc-rec-train or the Train RPC)");
    }
    scorer.Add({popular, AsRecModel(*popular)}, 1.0);
  }
  scorer.Finish();
  response.set_algorithm(algorithm);
  *response.mutable_model() = RefOf(scorer.primary());

  const RecModel& model = *scorer.primary().model;
  std::vector<float> scores;
  const UserProfile profile = scorer.Score(
      request.user_id(), history,
      [this](const runtime::LoadedModel& component, const runtime::LoadedModel& primary) {
        return ItemMapping(component, primary);
      },
      scores);
  absl::flat_hash_set<std::string> chosen;
  const auto accept = [&](const RecModel& ranking_model) {
    return [&](int32_t index) -> std::shared_ptr<const ItemInfo> {
      const std::string& id = ranking_model.items().Id(index);
      if (excluded.contains(id) || chosen.contains(id)) return nullptr;
      auto info = items_->Find(id);
      return info != nullptr && PassesFilter(*info, request.filter()) ? info : nullptr;
    };
  };
  const int pool_size = lambda < 1.0f ? count * 3 : count;
  std::vector<Candidate> picked =
      Diversify(BestCandidates(scores, pool_size, accept(model)), count, lambda);
  const std::vector<Candidate> explored =
      request.explore() ? Explore(options_.bandit, options_.explore_share, request.user_id(),
                                  scores, count, picked, accept(model))
                        : std::vector<Candidate>();
  if (picked.size() + explored.size() > static_cast<size_t>(count)) {
    picked.resize(count - explored.size());
  }
  for (const Candidate& candidate : picked) {
    const int rank = response.items_size() + 1;
    FillItem(candidate, rank, model.Explain(profile, candidate.index), model, reasons,
             request.include_item_details(), *response.add_items());
    chosen.insert(candidate.info->product.id());
  }
  for (const Candidate& candidate : explored) {
    const int rank = response.items_size() + 1;
    FillItem(candidate, rank, {.type = v1::REASON_TYPE_EXPLORATION}, model, reasons,
             request.include_item_details(), *response.add_items());
    response.mutable_items(rank - 1)->set_exploration(true);
    chosen.insert(candidate.info->product.id());
  }

  // Too few after filtering: popular items fill the rest.
  if (response.items_size() < count && algorithm != v1::ALGORITHM_POPULARITY) {
    if (auto popular = Loaded(v1::ALGORITHM_POPULARITY)) {
      const RecModel& popularity = *AsRecModel(*popular);
      std::vector<float> popular_scores(popularity.items().size());
      popularity.Score(UserProfile{}, absl::MakeSpan(popular_scores));
      const auto filler =
          BestCandidates(popular_scores, count - response.items_size(), accept(popularity));
      for (const Candidate& candidate : filler) {
        const int rank = response.items_size() + 1;
        FillItem(candidate, rank, popularity.Explain({}, candidate.index), popularity, reasons,
                 request.include_item_details(), *response.add_items());
      }
      if (!filler.empty()) {
        response.set_fallback_reason(v1::FALLBACK_REASON_INSUFFICIENT_CANDIDATES);
      }
    }
  }
  return response;
}

absl::StatusOr<v1::SimilarItemsResponse> RecommendEngine::SimilarItems(
    const v1::SimilarItemsRequest& request) const {
  AIGC_RETURN_IF_ERROR(ValidateItemId("item_id", request.item_id()));
  AIGC_ASSIGN_OR_RETURN(const int32_t count, ValidateCount(request.count()));
  AIGC_RETURN_IF_ERROR(ValidateAlgorithmValue(request.algorithm(), "algorithm"));
  if (request.algorithm() == v1::ALGORITHM_USER_KNN) {
    return status::InvalidField("algorithm", "ALGORITHM_USER_KNN has no item similarity");
  }
  AIGC_RETURN_IF_ERROR(ValidateItemFilter(request.filter(), "filter"));
  if (!request.user_id().empty()) {
    AIGC_RETURN_IF_ERROR(ValidateUserId("user_id", request.user_id()));
  }
  float lambda = options_.default_diversity_lambda;
  if (request.has_diversity_lambda()) {
    AIGC_RETURN_IF_ERROR(ValidateDiversityLambda(request.diversity_lambda()));
    lambda = request.diversity_lambda();
  }
  const auto query = items_->Find(request.item_id());
  if (query == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("item_id: \"", request.item_id(), "\" is not in the catalogue"));
  }
  const ReasonLanguage language = LanguageOfLocale(request.metadata().locale());

  absl::flat_hash_set<std::string> excluded(request.filter().exclude_item_ids().begin(),
                                            request.filter().exclude_item_ids().end());
  excluded.insert(request.item_id());
  const bool exclude_seen = !request.filter().has_exclude_seen() || request.filter().exclude_seen();
  if (exclude_seen && !request.user_id().empty()) {
    for (const HistoryEntry& entry : histories_->Get(request.user_id())) {
      excluded.insert(entry.item_id);
    }
  }

  v1::SimilarItemsResponse response;
  const bool explicit_algorithm = request.algorithm() != v1::ALGORITHM_UNSPECIFIED;
  v1::Algorithm algorithm =
      explicit_algorithm ? request.algorithm() : options_.default_similar_algorithm;
  // A viewer's experiment variant decides too, unless its algorithm has no
  // item similarity.
  if (!explicit_algorithm && !request.user_id().empty()) {
    AIGC_ASSIGN_OR_RETURN(
        const std::optional<Assignment> assignment,
        options_.experiments.Assign(request.user_id(), request.metadata().experiment_tags()));
    if (assignment.has_value() && assignment->algorithm != v1::ALGORITHM_USER_KNN) {
      algorithm = assignment->algorithm;
      response.set_experiment_id(assignment->experiment_id);
      response.set_variant(assignment->variant);
      if (!request.has_diversity_lambda() && assignment->diversity_lambda.has_value()) {
        lambda = *assignment->diversity_lambda;
      }
    }
  }
  // The hybrid's item similarity is its heaviest component's.
  if (algorithm == v1::ALGORITHM_HYBRID) {
    auto weights = HybridWeights(options_.params);
    std::stable_sort(weights.begin(), weights.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (!weights.empty()) algorithm = weights.front().first;
  }
  auto loaded = Loaded(algorithm);
  if (loaded == nullptr && explicit_algorithm) {
    return absl::UnavailableError(
        absl::StrCat("algorithm: model for ", v1::Algorithm_Name(algorithm), " not loaded"));
  }
  // An item the model never saw (new since its training): content neighbours
  // by the item's attributes, else popular items of its category.
  const bool known = loaded != nullptr && AsRecModel(*loaded)->items().Find(request.item_id()) >= 0;
  std::vector<float> scores;
  if (!known) {
    response.set_fallback_reason(loaded != nullptr ? v1::FALLBACK_REASON_COLD_START_ITEM
                                                   : v1::FALLBACK_REASON_MODEL_NOT_LOADED);
    loaded = nullptr;
    if (auto content = Loaded(v1::ALGORITHM_CONTENT)) {
      const RecModel& content_model = *AsRecModel(*content);
      scores.assign(content_model.items().size(), 0.0f);
      const int32_t index = content_model.items().Find(request.item_id());
      const absl::Status status =
          index >= 0 ? content_model.Similar(index, absl::MakeSpan(scores))
                     : content_model.SimilarToTokens(query->tokens, absl::MakeSpan(scores));
      if (status.ok()) {
        algorithm = v1::ALGORITHM_CONTENT;
        loaded = content;
      }
    }
    if (loaded == nullptr) {
      algorithm = v1::ALGORITHM_POPULARITY;
      loaded = Loaded(algorithm);
      if (loaded == nullptr) {
        return absl::UnavailableError(
            "no recommendation model is loaded (train one with aigc-rec-train or the Train RPC)");
      }
      // Popular items of the query's category.
      const RecModel& popularity = *AsRecModel(*loaded);
      scores.assign(popularity.items().size(), 0.0f);
      popularity.Score(UserProfile{}, absl::MakeSpan(scores));
      for (int32_t i = 0; i < popularity.items().size(); ++i) {
        auto info = items_->Find(popularity.items().Id(i));
        if (info == nullptr || info->product.category() != query->product.category()) {
          scores[i] = -std::numeric_limits<float>::infinity();
        }
      }
    }
  }
  const RecModel& model = *AsRecModel(*loaded);
  response.set_algorithm(algorithm);
  *response.mutable_model() = RefOf({loaded, &model});
  if (known) {
    scores.assign(model.items().size(), 0.0f);
    AIGC_RETURN_IF_ERROR(
        model.Similar(model.items().Find(request.item_id()), absl::MakeSpan(scores)));
  }
  const auto accept = [&](int32_t index) -> std::shared_ptr<const ItemInfo> {
    const std::string& id = model.items().Id(index);
    if (excluded.contains(id)) return nullptr;
    auto info = items_->Find(id);
    return info != nullptr && PassesFilter(*info, request.filter()) ? info : nullptr;
  };
  const int pool_size = lambda < 1.0f ? count * 3 : count;
  for (const Candidate& candidate :
       Diversify(BestCandidates(scores, pool_size, accept), count, lambda)) {
    v1::RecommendedItem& item = *response.add_items();
    item.set_item_id(candidate.info->product.id());
    item.set_rank(response.items_size());
    item.set_score(candidate.score);
    const bool popular = algorithm == v1::ALGORITHM_POPULARITY;
    ReasonFacts facts{
        .type = popular ? v1::REASON_TYPE_POPULAR_IN_CATEGORY : v1::REASON_TYPE_SIMILAR_TO_ITEM,
        .cited_title = query->product.title(),
        .category = candidate.info->product.category()};
    if (!popular) item.add_reason_item_ids(request.item_id());
    item.set_reason_type(facts.type);
    item.set_reason(ReasonText(facts, language));
    if (request.include_item_details()) *item.mutable_item() = candidate.info->product;
  }
  return response;
}

absl::StatusOr<v1::PredictRatingResponse> RecommendEngine::PredictRating(
    const v1::PredictRatingRequest& request) const {
  if (request.pairs().empty() || request.pairs_size() > kMaxPairs) {
    return status::InvalidField(
        "pairs", absl::StrCat("must hold 1..", kMaxPairs, " pairs, got ", request.pairs_size()));
  }
  for (int i = 0; i < request.pairs_size(); ++i) {
    AIGC_RETURN_IF_ERROR(
        ValidateUserId(absl::StrCat("pairs[", i, "].user_id"), request.pairs(i).user_id()));
    AIGC_RETURN_IF_ERROR(
        ValidateItemId(absl::StrCat("pairs[", i, "].item_id"), request.pairs(i).item_id()));
  }
  AIGC_RETURN_IF_ERROR(ValidateAlgorithmValue(request.algorithm(), "algorithm"));
  const v1::Algorithm algorithm =
      request.algorithm() == v1::ALGORITHM_UNSPECIFIED ? v1::ALGORITHM_ALS : request.algorithm();
  if (algorithm != v1::ALGORITHM_ALS && algorithm != v1::ALGORITHM_USER_KNN &&
      algorithm != v1::ALGORITHM_ITEM_KNN) {
    return status::InvalidField(
        "algorithm", absl::StrCat(v1::Algorithm_Name(algorithm), " does not predict ratings"));
  }
  auto loaded = Loaded(algorithm);
  if (loaded == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("algorithm: model for ", v1::Algorithm_Name(algorithm), " not loaded"));
  }
  const RecModel& model = *AsRecModel(*loaded);
  v1::PredictRatingResponse response;
  response.set_algorithm(algorithm);
  *response.mutable_model() = RefOf({loaded, &model});
  absl::flat_hash_map<std::string, UserProfile> profiles;
  for (const v1::UserItemPair& pair : request.pairs()) {
    auto [it, inserted] = profiles.try_emplace(pair.user_id());
    if (inserted) {
      it->second = Scorer::ProfileFor(model, pair.user_id(), histories_->Get(pair.user_id()));
    }
    AIGC_ASSIGN_OR_RETURN(const RatingEstimate estimate,
                          model.PredictRating(it->second, model.items().Find(pair.item_id())));
    v1::RatingPrediction& prediction = *response.add_predictions();
    prediction.set_user_id(pair.user_id());
    prediction.set_item_id(pair.item_id());
    prediction.set_rating(estimate.rating);
    prediction.set_baseline(estimate.baseline);
  }
  return response;
}

}  // namespace aigc::recommender
