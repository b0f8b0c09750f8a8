#include "services/recommender/service/catalogue.h"

#include <utility>

#include "common/status/status.h"
#include "services/recommender/service/batch_error.h"
#include "services/recommender/service/request_context.h"
#include "services/recommender/validation/validation.h"

namespace aigc::recommender {

absl::StatusOr<std::unique_ptr<Catalogue>> Catalogue::Load(Store* store) {
  absl::flat_hash_set<std::string> ids;
  ids.reserve(static_cast<size_t>(store->item_count()));
  AIGC_RETURN_IF_ERROR(store->ForEachItem([&ids](const common::v1::Product& item) {
    ids.insert(item.id());
    return true;
  }));
  return std::unique_ptr<Catalogue>(new Catalogue(store, std::move(ids)));
}

Catalogue::Catalogue(Store* store, absl::flat_hash_set<std::string> ids)
    : store_(store), ids_(std::move(ids)) {}

bool Catalogue::Contains(absl::string_view item_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return ids_.contains(item_id);
}

int64_t Catalogue::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<int64_t>(ids_.size());
}

absl::StatusOr<UpsertSummary> Catalogue::Upsert(
    const google::protobuf::RepeatedPtrField<common::v1::Product>& items, absl::Time now,
    absl::Time deadline) {
  UpsertSummary summary;
  std::vector<common::v1::Product> valid;
  valid.reserve(items.size());
  for (int i = 0; i < items.size(); ++i) {
    const absl::Status status = ValidateProduct(items[i], i);
    if (status.ok()) {
      valid.push_back(items[i]);
    } else {
      summary.errors.push_back(MakeBatchError(i, items[i].id(), status));
    }
  }
  summary.rejected_count = static_cast<int64_t>(summary.errors.size());
  AIGC_RETURN_IF_ERROR(CheckDeadline(deadline, absl::Now()));
  if (valid.empty()) return summary;

  AIGC_ASSIGN_OR_RETURN(UpsertResult result, store_->UpsertItems(std::move(valid), now));
  summary.created_count = result.created_count;
  summary.updated_count = result.updated_count;
  absl::MutexLock lock(&mu_);
  for (const common::v1::Product& item : result.written) ids_.insert(item.id());
  return summary;
}

}  // namespace aigc::recommender
