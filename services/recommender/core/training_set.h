// TrainingSet: what every recommender algorithm trains on, and the sparse
// matrices they derive from it.
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_TRAINING_SET_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_TRAINING_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "Eigen/SparseCore"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "services/recommender/core/id_index.h"
#include "services/recommender/core/interactions.h"

namespace aigc::recommender {

// Users x items, row-major so a user's row is contiguous.
using SparseMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor, int32_t>;

struct TrainingSet {
  IdIndex users;
  IdIndex items;
  // Over the indices of `users` and `items`; a pair may repeat.
  std::vector<Interaction> interactions;
  // Per item index: content tokens (see ItemTokens); empty when the item has
  // no catalogue record.
  std::vector<std::vector<std::string>> item_tokens;
  // Per item index: its aigc.common.v1.Category value (0 = none).
  std::vector<int32_t> item_categories;
  // Reference time for time decay, seconds since the Unix epoch: usually the
  // newest interaction's time.
  int64_t now = 0;
};

// Implicit strength of an event type: view 1, click 2, rating 2,
// add-to-cart 3, purchase 4. UNSPECIFIED is 0 (such events never pass
// validation).
float ImplicitWeight(aigc::recommender::v1::EventType type);

// Summed implicit weights per (user, item); users.size() x items.size().
SparseMatrix ImplicitMatrix(const TrainingSet& set);

// 1 for every interacted (user, item) pair, whatever its weight.
SparseMatrix BinaryMatrix(const TrainingSet& set);

// The newest explicit rating per (user, item) pair; pairs without a rating
// are absent.
SparseMatrix RatingMatrix(const TrainingSet& set);

// Content tokens of a catalogue item, lower-case and prefixed by their kind:
// "category:dress", "tag:comedy", "brand:…", "material:…", "color:…",
// "season:summer", "kind:movie", "price:<currency>:<band>" with band =
// floor(log2(price in major units)), and "decade:1990s" (from a "year"
// attribute). Sorted, without duplicates.
std::vector<std::string> ItemTokens(const aigc::common::v1::Product& item);

// Jaccard similarity |a ∩ b| / |a ∪ b| of two sorted, duplicate-free token
// lists (ItemTokens' output), in [0, 1]; 0 when both are empty.
double TokenJaccard(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_TRAINING_SET_H_
