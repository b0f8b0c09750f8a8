#include "services/recommender/service/catalogue.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/request_context.h"
#include "common/status/status.h"
#include "common/validation/fields.h"
#include "services/recommender/service/batch_error.h"
#include "services/recommender/validation/validation.h"

namespace aigc::recommender {

using rpc::CheckDeadline;

absl::StatusOr<std::unique_ptr<Catalogue>> Catalogue::Load(Store* store, ItemDirectory* items) {
  std::vector<common::v1::Product> batch;
  AIGC_RETURN_IF_ERROR(store->ForEachItem([&](const common::v1::Product& item) {
    batch.push_back(item);
    if (batch.size() == 1024) {
      items->Put(batch);
      batch.clear();
    }
    return true;
  }));
  items->Put(batch);
  return std::unique_ptr<Catalogue>(new Catalogue(store, items));
}

bool Catalogue::Contains(absl::string_view item_id) const {
  return items_->Find(item_id) != nullptr;
}

int64_t Catalogue::size() const { return items_->size(); }

absl::StatusOr<UpsertSummary> Catalogue::Upsert(
    const google::protobuf::RepeatedPtrField<common::v1::Product>& items, absl::Time now,
    absl::Time deadline) {
  UpsertSummary summary;
  std::vector<common::v1::Product> valid;
  valid.reserve(items.size());
  for (int i = 0; i < items.size(); ++i) {
    const absl::Status status = validation::ValidateProduct(items[i], absl::StrCat("items[", i, "]"));
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
  items_->Put(result.written);
  return summary;
}

}  // namespace aigc::recommender
