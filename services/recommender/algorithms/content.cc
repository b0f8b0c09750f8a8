#include "services/recommender/algorithms/content.h"

#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

// Items as L2-normalised TF-IDF vectors over content tokens (binary term
// frequency), stored both by item and by token.
class ContentModel final : public RecModel {
 public:
  ContentModel(IdIndex users, IdIndex items, std::vector<std::string> tokens,
               std::vector<float> idf, std::vector<int32_t> offsets,
               std::vector<int32_t> item_tokens, std::vector<float> item_weights)
      : RecModel(std::move(users), std::move(items)),
        tokens_(std::move(tokens)),
        idf_(std::move(idf)),
        offsets_(std::move(offsets)),
        item_tokens_(std::move(item_tokens)),
        item_weights_(std::move(item_weights)),
        token_items_(tokens_.size()) {
    for (size_t t = 0; t < tokens_.size(); ++t) token_index_[tokens_[t]] = static_cast<int32_t>(t);
    for (int32_t i = 0; i < this->items().size(); ++i) {
      for (int32_t n = offsets_[i]; n < offsets_[i + 1]; ++n) {
        token_items_[item_tokens_[n]].emplace_back(i, item_weights_[n]);
      }
    }
  }

  v1::Algorithm algorithm() const override { return v1::ALGORITHM_CONTENT; }

  // Cosine between each item and the weighted sum of the history's vectors.
  void Score(const UserProfile& profile, absl::Span<float> scores) const override {
    ScoreAgainst(ProfileVector(profile), scores);
  }

  absl::Status Similar(int32_t item, absl::Span<float> scores) const override {
    absl::flat_hash_map<int32_t, float> vector;
    for (int32_t n = offsets_[item]; n < offsets_[item + 1]; ++n) {
      vector[item_tokens_[n]] = item_weights_[n];
    }
    ScoreAgainst(vector, scores);
    return absl::OkStatus();
  }

  // Cosine between the items and the TF-IDF vector of `tokens`; items
  // sharing no token are not proposed.
  absl::Status SimilarToTokens(const std::vector<std::string>& tokens,
                               absl::Span<float> scores) const override {
    absl::flat_hash_map<int32_t, float> vector;
    for (const std::string& token : tokens) {
      auto it = token_index_.find(token);
      if (it != token_index_.end()) vector[it->second] = idf_[it->second];
    }
    if (vector.empty()) return absl::NotFoundError("no token is known to the content model");
    ScoreAgainst(vector, scores);
    for (float& score : scores) {
      if (score <= 0) score = -std::numeric_limits<float>::infinity();
    }
    return absl::OkStatus();
  }

  // The token contributing most to the item's score.
  Explanation Explain(const UserProfile& profile, int32_t item) const override {
    const auto profile_vector = ProfileVector(profile);
    float best = 0;
    Explanation explanation{.type = v1::REASON_TYPE_ATTRIBUTE_MATCH};
    for (int32_t n = offsets_[item]; n < offsets_[item + 1]; ++n) {
      auto it = profile_vector.find(item_tokens_[n]);
      if (it == profile_vector.end()) continue;
      const float contribution = it->second * item_weights_[n];
      if (contribution > best) {
        best = contribution;
        explanation.token = tokens_[item_tokens_[n]];
      }
    }
    if (explanation.token.empty()) explanation.type = v1::REASON_TYPE_PERSONALIZED;
    return explanation;
  }

  std::map<std::string, double> Stats() const override {
    return {{"tokens", static_cast<double>(tokens_.size())}};
  }

 protected:
  void SaveWeights(Archive& archive) const override {
    archive.PutStrings("tokens", tokens_);
    archive.PutFloats("idf", 1, static_cast<int64_t>(idf_.size()), idf_);
    archive.PutInts("offsets", offsets_);
    archive.PutInts("item_tokens", item_tokens_);
    archive.PutFloats("item_weights", 1, static_cast<int64_t>(item_weights_.size()), item_weights_);
  }

 private:
  absl::flat_hash_map<int32_t, float> ProfileVector(const UserProfile& profile) const {
    absl::flat_hash_map<int32_t, float> vector;
    for (size_t h = 0; h < profile.items.size(); ++h) {
      const int32_t item = profile.items[h];
      for (int32_t n = offsets_[item]; n < offsets_[item + 1]; ++n) {
        vector[item_tokens_[n]] += profile.weights[h] * item_weights_[n];
      }
    }
    return vector;
  }

  void ScoreAgainst(const absl::flat_hash_map<int32_t, float>& vector,
                    absl::Span<float> scores) const {
    std::fill(scores.begin(), scores.end(), 0.0f);
    double norm = 0;
    for (const auto& [token, weight] : vector) norm += static_cast<double>(weight) * weight;
    if (norm == 0) return;
    const auto inverse_norm = static_cast<float>(1.0 / std::sqrt(norm));
    for (const auto& [token, weight] : vector) {
      for (const auto& [item, item_weight] : token_items_[token]) {
        scores[item] += weight * inverse_norm * item_weight;
      }
    }
  }

  const std::vector<std::string> tokens_;
  // Inverse document frequency per token: ln(items / items carrying it) + 1.
  const std::vector<float> idf_;
  absl::flat_hash_map<std::string, int32_t> token_index_;
  // Item i's tokens and weights span [offsets_[i], offsets_[i + 1]).
  const std::vector<int32_t> offsets_;
  const std::vector<int32_t> item_tokens_;
  const std::vector<float> item_weights_;
  std::vector<std::vector<std::pair<int32_t, float>>> token_items_;
};

}  // namespace

std::vector<ParamSpec> ContentParams() {
  return {{.key = "content.min_items",
           .default_value = 2,
           .min = 1,
           .max = 1e6,
           .integer = true,
           .help = "Tokens carried by fewer items are dropped (they match nothing else)."}};
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainContent(const TrainingSet& set,
                                                       const Hyperparameters& params,
                                                       const TrainContext& context) {
  const int32_t items = set.items.size();
  absl::flat_hash_map<std::string, int32_t> document_frequency;
  for (int32_t i = 0; i < items && i < static_cast<int32_t>(set.item_tokens.size()); ++i) {
    for (const std::string& token : set.item_tokens[i]) ++document_frequency[token];
  }
  // Sorted vocabulary so the model does not depend on hash order.
  std::vector<std::string> tokens;
  for (const auto& [token, count] : document_frequency) {
    if (count >= params.GetInt("content.min_items")) tokens.push_back(token);
  }
  std::sort(tokens.begin(), tokens.end());
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        "content: no token is shared by content.min_items items; the catalogue has no attributes");
  }
  absl::flat_hash_map<std::string, int32_t> token_index;
  std::vector<float> idf(tokens.size());
  for (size_t t = 0; t < tokens.size(); ++t) {
    token_index[tokens[t]] = static_cast<int32_t>(t);
    idf[t] = static_cast<float>(
        std::log(static_cast<double>(items) / document_frequency[tokens[t]]) + 1.0);
  }

  std::vector<int32_t> offsets{0};
  std::vector<int32_t> item_tokens;
  std::vector<float> item_weights;
  for (int32_t i = 0; i < items; ++i) {
    const size_t begin = item_tokens.size();
    double norm = 0;
    if (i < static_cast<int32_t>(set.item_tokens.size())) {
      for (const std::string& token : set.item_tokens[i]) {
        auto it = token_index.find(token);
        if (it == token_index.end()) continue;
        const double weight = idf[it->second];
        item_tokens.push_back(it->second);
        item_weights.push_back(static_cast<float>(weight));
        norm += weight * weight;
      }
    }
    for (size_t n = begin; n < item_weights.size(); ++n) {
      item_weights[n] = static_cast<float>(item_weights[n] / std::sqrt(norm));
    }
    offsets.push_back(static_cast<int32_t>(item_tokens.size()));
  }
  context.Report(1.0, absl::StrCat("content: ", tokens.size(), " tokens"));
  return std::make_unique<ContentModel>(set.users, set.items, std::move(tokens), std::move(idf),
                                        std::move(offsets), std::move(item_tokens),
                                        std::move(item_weights));
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadContent(IdIndex users, IdIndex items,
                                                      const Archive& archive) {
  AIGC_ASSIGN_OR_RETURN(std::vector<std::string> tokens, archive.GetStrings("tokens"));
  AIGC_ASSIGN_OR_RETURN(FloatMatrix idf, archive.GetFloats("idf"));
  AIGC_RETURN_IF_ERROR(internal::CheckShape(idf, 1, static_cast<int64_t>(tokens.size()), "idf"));
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> offsets, archive.GetInts("offsets"));
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> item_tokens, archive.GetInts("item_tokens"));
  AIGC_ASSIGN_OR_RETURN(FloatMatrix weights, archive.GetFloats("item_weights"));
  const auto size = static_cast<int64_t>(item_tokens.size());
  AIGC_RETURN_IF_ERROR(internal::CheckIndices(offsets, items.size() + 1, size + 1, "offsets"));
  AIGC_RETURN_IF_ERROR(internal::CheckIndices(item_tokens, size,
                                              static_cast<int64_t>(tokens.size()), "item_tokens"));
  AIGC_RETURN_IF_ERROR(internal::CheckShape(weights, 1, size, "item_weights"));
  if (offsets.front() != 0 || offsets.back() != size ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return absl::DataLossError("archive entry \"offsets\" is inconsistent");
  }
  return std::make_unique<ContentModel>(std::move(users), std::move(items), std::move(tokens),
                                        std::move(idf.values), std::move(offsets),
                                        std::move(item_tokens), std::move(weights.values));
}

}  // namespace aigc::recommender
