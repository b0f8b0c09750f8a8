// The recommender's durable state: an embedded RocksDB holding the catalogue,
// the behaviour events and small metadata records. The service builds its
// in-memory indexes from it at start-up; the store's job is durable, ordered,
// de-duplicated storage and cheap reads.
//
// Key schema, one column family per kind of record:
//
//   items        <item id>                              -> aigc.common.v1.Product
//   events       <seq: 8 bytes, big-endian uint64>      -> aigc.recommender.v1.Event
//   user_events  <user id> '\0' <seq: 8 bytes, BE>      -> "" (per-user history index)
//   event_ids    <event_id>                             -> <seq: 8 bytes, BE>
//   meta         <any key>                              -> <any bytes>
//
// Values are serialized protos. Big-endian sequence numbers make RocksDB's
// byte-wise key order the numeric order, so `events` iterates oldest first and
// a user's `user_events` keys are contiguous (ids never contain '\0', the
// smallest byte) and ordered by sequence. Sequence numbers start at 1 and are
// consecutive; events are never deleted, so the number of stored events equals
// last_sequence().
//
// Durability. Every acknowledged write (AppendEvents, UpsertItems, PutMeta,
// DeleteMeta) is one RocksDB WriteBatch, applied atomically: after a crash
// either all of it or none of it is there. The write-ahead log is never
// disabled. With StoreOptions::sync = true (the default) the batch is written
// with rocksdb::WriteOptions::sync = true, i.e. the WAL is fsync'ed before the
// call returns, so an acknowledged write survives kill -9 AND power loss. With
// sync = false the WAL write has reached the OS before the call returns, so an
// acknowledged write survives kill -9 of the process but may be lost on power
// loss or a kernel crash.
//
// Errors after Open: corrupt stored values (a proto that does not parse, a
// malformed key) are DATA_LOSS naming the column family and key, never a
// crash; so are damaged files RocksDB detects while reading (checksum
// mismatch). Other read and write errors are UNAVAILABLE.
#ifndef AIGC_SERVICES_RECOMMENDER_STORE_STORE_H_
#define AIGC_SERVICES_RECOMMENDER_STORE_STORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "rocksdb/db.h"

namespace aigc::recommender {

struct StoreOptions {
  // Directory of the RocksDB database. Created (with missing parent
  // directories and missing column families) when it does not exist.
  // Required.
  std::filesystem::path path;

  // true (default): every acknowledged write fsyncs the WAL and survives power
  // loss. false: it survives kill -9 but not power loss; faster for bulk
  // imports. See the durability contract in the file comment.
  bool sync = true;
};

// One stored event and the sequence number the store assigned to it.
struct StoredEvent {
  uint64_t sequence = 0;
  v1::Event event;
};

// What AppendEvents did with one input event.
struct AppendOutcome {
  // true: stored now under `sequence`. false: a duplicate of an event_id
  // stored earlier (in a previous call or earlier in the same call) and not
  // stored again; `sequence` is then that earlier event's sequence number.
  bool stored = false;
  uint64_t sequence = 0;
};

struct AppendResult {
  // One entry per input event, in input order.
  std::vector<AppendOutcome> outcomes;
  int64_t stored_count = 0;
  int64_t duplicate_count = 0;
};

// What UpsertItems did with one input item.
enum class UpsertOutcome {
  // The id was neither stored nor earlier in the same call.
  kCreated,
  // The id was stored already, or appeared earlier in the same call.
  kUpdated,
};

struct UpsertResult {
  // One entry per input item, in input order. Within one call the items act
  // as if applied one by one: the first occurrence of a new id is kCreated,
  // every later occurrence kUpdated, so created_count + updated_count equals
  // the number of input items (UpsertItemsResponse's accounting).
  std::vector<UpsertOutcome> outcomes;
  int64_t created_count = 0;
  int64_t updated_count = 0;
  // The records as written (timestamps filled), one per distinct id, in the
  // order of each id's first occurrence; for a repeated id, its last
  // occurrence's content.
  std::vector<common::v1::Product> written;
};

// A ListItems query: a page of the catalogue in ascending id order.
struct ItemQuery {
  // Exclusive cursor: the page starts after this id. Empty = from the first id.
  std::string start_after;
  // Most items to return; must be > 0.
  size_t limit = 20;
  // Only items in one of these categories; empty = any category.
  std::vector<common::v1::Category> categories;
  // Only items of one of these kinds, where ITEM_KIND_UNSPECIFIED items count
  // as ITEM_KIND_PRODUCT (as in aigc.recommender.v1.ItemFilter); empty = any.
  std::vector<common::v1::ItemKind> kinds;
};

struct ItemPage {
  // Matching items, ascending by id, at most `limit`.
  std::vector<common::v1::Product> items;
  // Id of the last item in `items` (the cursor for the next page); empty when
  // `items` is empty.
  std::string last_id;
  // true iff another matching item follows `last_id`.
  bool has_more = false;
};

// Thread-safe: every method may be called concurrently from any thread. Reads
// take no lock. AppendEvents calls are serialised by one mutex around the
// duplicate check and the write, so concurrent calls never assign the same
// sequence number nor both store the same event_id; UpsertItems calls are
// serialised by another, so created/updated is decided against committed
// state. Meta writes need no lock (each is one key).
class Store {
 public:
  // Opens (creating if missing) the database at options.path and returns the
  // store, which holds the database (and its lock file) until destroyed.
  // Restores the next sequence number from the last `events` key and counts
  // the items. Fails with INVALID_ARGUMENT when path is empty; UNAVAILABLE
  // when the directory cannot be created or RocksDB cannot open it, e.g.
  // another process (or another Store in this process) holds its lock, or an
  // I/O error; FAILED_PRECONDITION when RocksDB finds the database corrupt or
  // incompatible; DATA_LOSS when a stored key is malformed. Messages carry
  // the path and RocksDB's own message.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Closes the database (releasing its lock). Acknowledged writes are already
  // durable (see the file comment); nothing is flushed on purpose here.
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Events ---------------------------------------------------------------

  // Stores `events` in one atomic WriteBatch: assigns consecutive sequence
  // numbers in input order to the events that are stored, and skips (reports
  // as duplicates) events whose non-empty event_id is already stored or
  // appeared earlier in the same call (the first wins). Events must already be
  // validated and normalised by the caller (event_time set); the store only
  // insists on a non-empty user_id without '\0' (the index key needs it) and
  // fails with INVALID_ARGUMENT "events[i].user_id" otherwise, storing
  // nothing. Fails with UNAVAILABLE when the write fails (nothing stored) and
  // DATA_LOSS when a stored event_id record is malformed.
  absl::StatusOr<AppendResult> AppendEvents(absl::Span<const v1::Event> events);

  // Calls fn(sequence, event) for every stored event with sequence >
  // after_sequence, in ascending sequence order, until fn returns false.
  // Sees the events committed when the call starts. Fails with DATA_LOSS on a
  // corrupt record (after the records before it were passed to fn) and
  // UNAVAILABLE on a read error.
  absl::Status ForEachEvent(uint64_t after_sequence,
                            const std::function<bool(uint64_t, const v1::Event&)>& fn) const;

  // The user's most recent events, newest (highest sequence) first, at most
  // max_count of them (0 gives none). An unknown user has none. Fails with
  // DATA_LOSS on a corrupt record or a dangling index entry, UNAVAILABLE on a
  // read error.
  absl::StatusOr<std::vector<StoredEvent>> UserEvents(absl::string_view user_id,
                                                      size_t max_count) const;

  // Sequence number of the newest stored event; 0 when there is none. Exact.
  uint64_t last_sequence() const;

  // Number of stored events. Exact: equal to last_sequence(), since sequence
  // numbers are consecutive from 1 and events are never deleted.
  uint64_t event_count() const { return last_sequence(); }

  // --- Catalogue -------------------------------------------------------------

  // Inserts or replaces (whole record, by id) `items` in one atomic
  // WriteBatch. Items must already be validated by the caller. On replace the
  // existing record's created_time is kept; on insert created_time is the
  // item's own when set, else `now`. update_time is always set to `now`.
  // Duplicate ids within the call: the last one is written (see UpsertResult
  // for how they count). Fails with INVALID_ARGUMENT "items[i].id" for an
  // empty id (nothing stored), DATA_LOSS when an existing record does not
  // parse, UNAVAILABLE when the write fails (nothing stored).
  absl::StatusOr<UpsertResult> UpsertItems(std::vector<common::v1::Product> items, absl::Time now);

  // The item with this id, or nullopt when there is none. DATA_LOSS when the
  // stored record does not parse, UNAVAILABLE on a read error.
  absl::StatusOr<std::optional<common::v1::Product>> GetItem(absl::string_view id) const;

  // One page of the catalogue (see ItemQuery and ItemPage). INVALID_ARGUMENT
  // "limit" when query.limit is 0; DATA_LOSS / UNAVAILABLE as GetItem.
  absl::StatusOr<ItemPage> ListItems(const ItemQuery& query) const;

  // Calls fn(item) for every item in ascending id order until fn returns
  // false. DATA_LOSS / UNAVAILABLE as ForEachEvent.
  absl::Status ForEachItem(const std::function<bool(const common::v1::Product&)>& fn) const;

  // Number of stored items. Exact.
  int64_t item_count() const;

  // --- Meta -----------------------------------------------------------------

  // Stores `value` under `key` (replacing any previous value) in one synced
  // write as described in the file comment. INVALID_ARGUMENT "key" when key is
  // empty, UNAVAILABLE when the write fails.
  absl::Status PutMeta(absl::string_view key, absl::string_view value);

  // The value stored under `key`. NOT_FOUND when absent, UNAVAILABLE on a read
  // error.
  absl::StatusOr<std::string> GetMeta(absl::string_view key) const;

  // Calls fn(key, value) for every meta key starting with `prefix` (empty =
  // all), in ascending byte order, until fn returns false. UNAVAILABLE on a
  // read error.
  absl::Status ForEachMeta(
      absl::string_view prefix,
      const std::function<bool(absl::string_view, absl::string_view)>& fn) const;

  // Removes `key`; OK when it was absent. Written like PutMeta.
  // INVALID_ARGUMENT "key" when key is empty, UNAVAILABLE when the write fails.
  absl::Status DeleteMeta(absl::string_view key);

 private:
  // Column family handles, indexed like kColumnFamilies in store.cc.
  enum Family { kDefault, kItems, kEvents, kUserEvents, kEventIds, kMeta, kNumFamilies };

  Store(const StoreOptions& options, std::unique_ptr<rocksdb::DB> db,
        std::vector<rocksdb::ColumnFamilyHandle*> handles, uint64_t last_sequence,
        int64_t item_count);

  rocksdb::ColumnFamilyHandle* family(Family f) const { return handles_[f]; }
  absl::Status Write(rocksdb::WriteBatch& batch);

  const std::filesystem::path path_;
  const rocksdb::WriteOptions write_options_;
  // Owned; the handles are destroyed before the database is closed.
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  absl::Mutex events_mu_;
  // Written only under events_mu_ after a successful write; atomic so readers
  // need no lock.
  std::atomic<uint64_t> last_sequence_;

  mutable absl::Mutex items_mu_;
  int64_t item_count_ ABSL_GUARDED_BY(items_mu_);
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_STORE_STORE_H_
