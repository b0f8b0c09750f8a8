#include "services/recommender/core/id_index.h"

#include <utility>

namespace aigc::recommender {

IdIndex::IdIndex(std::vector<std::string> ids) {
  for (std::string& id : ids) Add(std::move(id));
}

int32_t IdIndex::Add(absl::string_view id) {
  auto [it, inserted] = index_.try_emplace(id, size());
  if (inserted) ids_.emplace_back(id);
  return it->second;
}

int32_t IdIndex::Find(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

}  // namespace aigc::recommender
