// IdIndex: the dense index space behind a model's users or items.
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_ID_INDEX_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_ID_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace aigc::recommender {

// Maps opaque string ids to consecutive indices 0..size()-1 in insertion
// order, and back. Not thread-safe to mutate; concurrent const use is safe.
class IdIndex {
 public:
  IdIndex() = default;
  explicit IdIndex(std::vector<std::string> ids);

  // The index of `id`, adding it at the end when new.
  int32_t Add(absl::string_view id);
  // The index of `id`, or -1 when absent.
  int32_t Find(absl::string_view id) const;
  // The id at `index`; `index` must be in [0, size()).
  const std::string& Id(int32_t index) const { return ids_[index]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<std::string> ids_;
  absl::flat_hash_map<std::string, int32_t> index_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_ID_INDEX_H_
