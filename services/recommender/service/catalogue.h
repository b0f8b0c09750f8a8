// The catalogue as the service uses it: the Store's items plus an in-memory
// directory of them (serving/item_directory.h), so that event ingestion
// checks that an item exists without a RocksDB read per event, and ranking
// filters without one per candidate.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_CATALOGUE_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_CATALOGUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "google/protobuf/repeated_field.h"
#include "services/recommender/serving/item_directory.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

// What Catalogue::Upsert did with a batch; the counts of UpsertItemsResponse.
struct UpsertSummary {
  // created + updated + rejected = the number of input items.
  int64_t created_count = 0;
  int64_t updated_count = 0;
  int64_t rejected_count = 0;
  // One entry per rejected item, in index order (all INVALID_ARGUMENT).
  std::vector<v1::BatchError> errors;
};

// Thread-safe. The items live in an ItemDirectory (serving/item_directory.h),
// which serving reads too; lookups take its lock in shared mode, so every
// ingested event's check does not serialise on the others.
class Catalogue {
 public:
  // Reads every item of `store` (Store::ForEachItem) into `items`. Neither is
  // owned; both must outlive the catalogue. Fails with the store's DATA_LOSS
  // or UNAVAILABLE.
  static absl::StatusOr<std::unique_ptr<Catalogue>> Load(Store* store, ItemDirectory* items);

  Catalogue(const Catalogue&) = delete;
  Catalogue& operator=(const Catalogue&) = delete;

  // True iff an item with this id has been stored (loaded at start or
  // upserted through this object since).
  bool Contains(absl::string_view item_id) const;

  // Number of distinct item ids in the catalogue.
  int64_t size() const;

  // UpsertItems' per-item work: validates every item (ValidateProduct, field
  // paths "items[i]..." with i the index in `items`), writes the valid ones
  // in one Store::UpsertItems call at time `now` (whole-record replace by id;
  // of repeated ids the last wins) and then puts them in the directory. An
  // invalid item is reported in `errors` and not stored; the others still
  // are. The batch size (1..1000) is the caller's to check. Fails, storing
  // nothing, with DEADLINE_EXCEEDED when `deadline` has passed once the items
  // are validated, or with the store's error (UNAVAILABLE, DATA_LOSS).
  absl::StatusOr<UpsertSummary> Upsert(
      const google::protobuf::RepeatedPtrField<common::v1::Product>& items, absl::Time now,
      absl::Time deadline);

 private:
  Catalogue(Store* store, ItemDirectory* items) : store_(store), items_(items) {}

  Store* const store_;
  ItemDirectory* const items_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_CATALOGUE_H_
