// aigc.recommender.v1.BatchError from the absl::Status that rejected one entry
// of a batch (an event of WriteEvents/RecordEvents, an item of UpsertItems).
//
// Stateless and thread-safe.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_BATCH_ERROR_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_BATCH_ERROR_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender {

// The field path that a message in the suite's form "<field path>: <problem>"
// (status::InvalidField) starts with: everything before the first ": " that
// is not inside square brackets, so "items[0].attributes[a: b]: key must..."
// gives "items[0].attributes[a: b]". The whole message when it has no such
// separator.
absl::string_view FieldPathOf(absl::string_view message);

// The BatchError reporting that entry `index` (with event_id / item id `id`,
// empty when it has none) was rejected with `status`, which must not be OK:
// field = FieldPathOf(status.message()), status.code = the status' code
// number, status.message = the whole message.
v1::BatchError MakeBatchError(int64_t index, absl::string_view id, const absl::Status& status);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_BATCH_ERROR_H_
