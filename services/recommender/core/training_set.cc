#include "services/recommender/core/training_set.h"

#include <cmath>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;

using Triplet = Eigen::Triplet<float, int32_t>;

SparseMatrix FromTriplets(const TrainingSet& set, const std::vector<Triplet>& triplets,
                          bool sum_duplicates) {
  SparseMatrix matrix(set.users.size(), set.items.size());
  if (sum_duplicates) {
    matrix.setFromTriplets(triplets.begin(), triplets.end());
  } else {
    // Keeps the last value in input order.
    matrix.setFromTriplets(triplets.begin(), triplets.end(),
                           [](float, float later) { return later; });
  }
  matrix.makeCompressed();
  return matrix;
}

std::string Token(absl::string_view kind, absl::string_view value) {
  return absl::StrCat(kind, ":", absl::AsciiStrToLower(absl::StripAsciiWhitespace(value)));
}

}  // namespace

float ImplicitWeight(v1::EventType type) {
  switch (type) {
    case v1::EVENT_TYPE_VIEW:
      return 1.0f;
    case v1::EVENT_TYPE_CLICK:
    case v1::EVENT_TYPE_RATING:
      return 2.0f;
    case v1::EVENT_TYPE_ADD_TO_CART:
      return 3.0f;
    case v1::EVENT_TYPE_PURCHASE:
      return 4.0f;
    default:
      return 0.0f;
  }
}

SparseMatrix ImplicitMatrix(const TrainingSet& set) {
  std::vector<Triplet> triplets;
  triplets.reserve(set.interactions.size());
  for (const Interaction& x : set.interactions) triplets.emplace_back(x.user, x.item, x.weight);
  return FromTriplets(set, triplets, /*sum_duplicates=*/true);
}

SparseMatrix BinaryMatrix(const TrainingSet& set) {
  std::vector<Triplet> triplets;
  triplets.reserve(set.interactions.size());
  for (const Interaction& x : set.interactions) triplets.emplace_back(x.user, x.item, 1.0f);
  return FromTriplets(set, triplets, /*sum_duplicates=*/false);
}

SparseMatrix RatingMatrix(const TrainingSet& set) {
  std::vector<const Interaction*> rated;
  for (const Interaction& x : set.interactions) {
    if (!std::isnan(x.rating)) rated.push_back(&x);
  }
  // Oldest first, so the newest rating of a pair wins.
  std::stable_sort(rated.begin(), rated.end(),
                   [](const Interaction* a, const Interaction* b) { return a->time < b->time; });
  std::vector<Triplet> triplets;
  triplets.reserve(rated.size());
  for (const Interaction* x : rated) triplets.emplace_back(x->user, x->item, x->rating);
  return FromTriplets(set, triplets, /*sum_duplicates=*/false);
}

std::vector<std::string> ItemTokens(const common::Product& item) {
  std::vector<std::string> tokens;
  if (item.category() != common::CATEGORY_UNSPECIFIED) {
    std::string name = common::Category_Name(item.category());
    tokens.push_back(Token("category", absl::StripPrefix(name, "CATEGORY_")));
  }
  if (item.kind() != common::ITEM_KIND_UNSPECIFIED) {
    tokens.push_back(
        Token("kind", absl::StripPrefix(common::ItemKind_Name(item.kind()), "ITEM_KIND_")));
  }
  for (const std::string& tag : item.tags()) tokens.push_back(Token("tag", tag));
  if (!item.brand().empty()) tokens.push_back(Token("brand", item.brand()));
  if (!item.material().empty()) tokens.push_back(Token("material", item.material()));
  for (const std::string& color : item.colors()) tokens.push_back(Token("color", color));
  for (int season : item.seasons()) {
    if (season == common::SEASON_UNSPECIFIED) continue;
    tokens.push_back(Token("season", absl::StripPrefix(common::Season_Name(season), "SEASON_")));
  }
  if (item.has_price() && item.price().amount_minor() > 0) {
    // Bands double in width: band 6 holds prices in [64, 128) major units.
    const double major = static_cast<double>(item.price().amount_minor()) / 100.0;
    const int band = std::max(0, static_cast<int>(std::floor(std::log2(std::max(major, 1.0)))));
    tokens.push_back(Token("price", absl::StrCat(item.price().currency_code(), ":", band)));
  }
  auto year = item.attributes().find("year");
  int year_value = 0;
  if (year != item.attributes().end() && absl::SimpleAtoi(year->second, &year_value)) {
    tokens.push_back(Token("decade", absl::StrCat(year_value / 10 * 10, "s")));
  }
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

double TokenJaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++shared, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  const size_t united = a.size() + b.size() - shared;
  return united == 0 ? 0.0 : static_cast<double>(shared) / static_cast<double>(united);
}

}  // namespace aigc::recommender
