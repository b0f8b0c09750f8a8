#include "services/recommender/serving/item_directory.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "services/recommender/core/training_set.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;

bool Contains(const google::protobuf::RepeatedField<int>& values, int value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool HasAnyTag(const ItemInfo& item, const google::protobuf::RepeatedPtrField<std::string>& tags) {
  for (const std::string& tag : tags) {
    if (std::binary_search(item.lower_tags.begin(), item.lower_tags.end(),
                           absl::AsciiStrToLower(tag))) {
      return true;
    }
  }
  return false;
}

bool PassesPrice(const common::Product& product, const v1::PriceRange& range) {
  if (!range.has_min_price() && !range.has_max_price()) return true;
  if (!product.has_price()) return false;
  const common::Money& price = product.price();
  const common::Money& bound = range.has_min_price() ? range.min_price() : range.max_price();
  if (price.currency_code() != bound.currency_code()) return false;
  if (range.has_min_price() && price.amount_minor() < range.min_price().amount_minor()) {
    return false;
  }
  if (range.has_max_price() && price.amount_minor() > range.max_price().amount_minor()) {
    return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<const ItemInfo> ItemDirectory::Find(absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = items_.find(id);
  return it == items_.end() ? nullptr : it->second;
}

void ItemDirectory::Put(const std::vector<common::Product>& items) {
  std::vector<std::shared_ptr<const ItemInfo>> infos;
  for (const common::Product& product : items) {
    auto info = std::make_shared<ItemInfo>();
    info->product = product;
    info->tokens = ItemTokens(product);
    for (const std::string& tag : product.tags()) {
      info->lower_tags.push_back(absl::AsciiStrToLower(tag));
    }
    std::sort(info->lower_tags.begin(), info->lower_tags.end());
    infos.push_back(std::move(info));
  }
  absl::MutexLock lock(&mu_);
  for (auto& info : infos) items_[info->product.id()] = std::move(info);
}

int64_t ItemDirectory::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<int64_t>(items_.size());
}

bool PassesFilter(const ItemInfo& item, const v1::ItemFilter& filter) {
  const common::Product& product = item.product;
  if (!filter.include_categories().empty() &&
      !Contains(filter.include_categories(), product.category())) {
    return false;
  }
  if (Contains(filter.exclude_categories(), product.category())) return false;
  if (!filter.include_kinds().empty()) {
    const int kind = product.kind() == common::ITEM_KIND_UNSPECIFIED ? common::ITEM_KIND_PRODUCT
                                                                     : product.kind();
    if (!Contains(filter.include_kinds(), kind)) return false;
  }
  if (filter.in_stock_only() && product.has_stock_quantity() && product.stock_quantity() <= 0) {
    return false;
  }
  if (!filter.include_tags().empty() && !HasAnyTag(item, filter.include_tags())) return false;
  if (HasAnyTag(item, filter.exclude_tags())) return false;
  return PassesPrice(product, filter.price_range());
}

double TokenSimilarity(const ItemInfo& a, const ItemInfo& b) {
  return TokenJaccard(a.tokens, b.tokens);
}

}  // namespace aigc::recommender
