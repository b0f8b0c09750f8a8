// ItemDirectory: what serving needs to know of each catalogue item (filters,
// diversity, reasons), in memory and shared by every request.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVING_ITEM_DIRECTORY_H_
#define AIGC_SERVICES_RECOMMENDER_SERVING_ITEM_DIRECTORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender {

// One catalogue item as serving sees it; immutable once published.
struct ItemInfo {
  aigc::common::v1::Product product;
  // ItemTokens(product): sorted, for diversity and content matching.
  std::vector<std::string> tokens;
  // Lower-case tags, sorted, for tag filters.
  std::vector<std::string> lower_tags;
};

// Item id -> ItemInfo. Thread-safe: Find takes a shared lock; Put an
// exclusive one briefly. A found item stays valid for its holder even when
// the item is replaced.
class ItemDirectory {
 public:
  // The item, or null when the catalogue has no such id.
  std::shared_ptr<const ItemInfo> Find(absl::string_view id) const;
  // Inserts or replaces each item (by id).
  void Put(const std::vector<aigc::common::v1::Product>& items);
  int64_t size() const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const ItemInfo>> items_ ABSL_GUARDED_BY(mu_);
};

// True iff `item` passes `filter` (see aigc.recommender.v1.ItemFilter; the
// filter must have passed ValidateItemFilter). exclude_seen and
// exclude_item_ids are the caller's: they need the user's history. Tag
// matching ignores ASCII case.
bool PassesFilter(const ItemInfo& item, const aigc::recommender::v1::ItemFilter& filter);

// Jaccard similarity of two items' tokens, in [0, 1].
double TokenSimilarity(const ItemInfo& a, const ItemInfo& b);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVING_ITEM_DIRECTORY_H_
