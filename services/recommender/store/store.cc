#include "services/recommender/store/store.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/write_batch.h"

namespace aigc::recommender {
namespace {

using common::v1::Product;

// Names of the column families, in the order of Store::Family.
// "default" is RocksDB's own, always present and unused here.
constexpr const char* kColumnFamilies[] = {"default",     "items",     "events",
                                           "user_events", "event_ids", "meta"};

constexpr size_t kSequenceBytes = 8;

std::string EncodeSequence(uint64_t sequence) {
  std::string key(kSequenceBytes, '\0');
  for (size_t i = 0; i < kSequenceBytes; ++i) {
    key[kSequenceBytes - 1 - i] = static_cast<char>(sequence >> (8 * i));
  }
  return key;
}

std::optional<uint64_t> DecodeSequence(absl::string_view bytes) {
  if (bytes.size() != kSequenceBytes) return std::nullopt;
  uint64_t sequence = 0;
  for (const char c : bytes) sequence = (sequence << 8) | static_cast<unsigned char>(c);
  return sequence;
}

std::string UserEventsPrefix(absl::string_view user_id) {
  return absl::StrCat(user_id, absl::string_view("\0", 1));
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// Keys may be binary (sequence numbers), so messages show them escaped.
std::string ShowKey(absl::string_view key) { return absl::CEscape(key); }

absl::Status DataLoss(absl::string_view family, absl::string_view key, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("store: ", family, "[\"", ShowKey(key), "\"]: ", what));
}

// A read or write that fails after Open: damaged files (a checksum mismatch)
// are DATA_LOSS, anything else is I/O trouble the caller may retry.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  const std::string message = absl::StrCat("store: ", what, ": ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  return absl::UnavailableError(message);
}

template <typename Message>
absl::Status ParseValue(absl::string_view family, absl::string_view key,
                        const rocksdb::Slice& value, Message& message) {
  if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return DataLoss(family, key, "stored value does not parse");
  }
  return absl::OkStatus();
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time);  // Rounds down.
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return timestamp;
}

bool Matches(const Product& item, const ItemQuery& query) {
  if (!query.categories.empty() && std::find(query.categories.begin(), query.categories.end(),
                                             item.category()) == query.categories.end()) {
    return false;
  }
  const common::v1::ItemKind kind = item.kind() == common::v1::ITEM_KIND_UNSPECIFIED
                                        ? common::v1::ITEM_KIND_PRODUCT
                                        : item.kind();
  return query.kinds.empty() ||
         std::find(query.kinds.begin(), query.kinds.end(), kind) != query.kinds.end();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return status::InvalidField("path", "required");
  // RocksDB creates only the last directory of the path itself.
  std::error_code error;
  std::filesystem::create_directories(options.path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("store: cannot create ", options.path.string(), ": ", error.message()));
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // RocksDB's informational LOG files would otherwise pile up in the directory.
  db_options.keep_log_file_num = 5;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnFamilies) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  const rocksdb::Status opened =
      rocksdb::DB::Open(db_options, options.path.string(), descriptors, &handles, &raw_db);
  if (!opened.ok()) {
    const std::string message =
        absl::StrCat("store: cannot open ", options.path.string(), ": ", opened.ToString());
    // A held lock is an IOError; corruption and option mismatches will not go
    // away by retrying.
    if (opened.IsCorruption() || opened.IsInvalidArgument() || opened.IsNotSupported()) {
      return absl::FailedPreconditionError(message);
    }
    return absl::UnavailableError(message);
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);
  // Closes the handles if reading the initial state below fails.
  auto close = [&db, &handles] {
    for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  };

  uint64_t last_sequence = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), handles[kEvents]));
    it->SeekToLast();
    if (it->Valid()) {
      const std::optional<uint64_t> sequence = DecodeSequence(ToView(it->key()));
      if (!sequence.has_value()) {
        const std::string key(ToView(it->key()));
        it.reset();
        close();
        return DataLoss("events", key, "key is not an 8-byte sequence number");
      }
      last_sequence = *sequence;
    }
    if (!it->status().ok()) {
      const rocksdb::Status status = it->status();
      it.reset();
      close();
      return FromRocks(status, "reading the last event");
    }
  }

  int64_t item_count = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[kItems]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++item_count;
    if (!it->status().ok()) {
      const rocksdb::Status status = it->status();
      it.reset();
      close();
      return FromRocks(status, "counting items");
    }
  }

  return std::unique_ptr<Store>(
      new Store(options, std::move(db), std::move(handles), last_sequence, item_count));
}

Store::Store(const StoreOptions& options, std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> handles, uint64_t last_sequence,
             int64_t item_count)
    : path_(options.path),
      write_options_([&options] {
        rocksdb::WriteOptions write_options;
        write_options.sync = options.sync;
        write_options.disableWAL = false;
        return write_options;
      }()),
      db_(std::move(db)),
      handles_(std::move(handles)),
      last_sequence_(last_sequence),
      item_count_(item_count) {}

Store::~Store() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  const rocksdb::Status closed = db_->Close();
  // Nothing to report to: the writes were durable when acknowledged.
  (void)closed;
}

absl::Status Store::Write(rocksdb::WriteBatch& batch) {
  const rocksdb::Status status = db_->Write(write_options_, &batch);
  if (!status.ok()) return FromRocks(status, absl::StrCat("write to ", path_.string()));
  return absl::OkStatus();
}

// --- Events -------------------------------------------------------------------

absl::StatusOr<AppendResult> Store::AppendEvents(absl::Span<const v1::Event> events) {
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string& user_id = events[i].user_id();
    if (user_id.empty() || user_id.find('\0') != std::string::npos) {
      return status::InvalidField(absl::StrCat("events[", i, "].user_id"),
                                  "must be non-empty and free of NUL bytes");
    }
  }

  AppendResult result;
  result.outcomes.resize(events.size());
  absl::MutexLock lock(&events_mu_);
  uint64_t next = last_sequence_.load() + 1;
  // event_id -> sequence of the events stored earlier in this call.
  absl::flat_hash_map<std::string, uint64_t> batch_ids;
  rocksdb::WriteBatch batch;
  std::string value;
  std::string serialized;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& event = events[i];
    AppendOutcome& outcome = result.outcomes[i];
    if (!event.event_id().empty()) {
      if (auto it = batch_ids.find(event.event_id()); it != batch_ids.end()) {
        outcome.sequence = it->second;
        ++result.duplicate_count;
        continue;
      }
      const rocksdb::Status found =
          db_->Get(rocksdb::ReadOptions(), family(kEventIds), ToSlice(event.event_id()), &value);
      if (found.ok()) {
        const std::optional<uint64_t> sequence = DecodeSequence(value);
        if (!sequence.has_value()) {
          return DataLoss("event_ids", event.event_id(), "value is not an 8-byte sequence number");
        }
        outcome.sequence = *sequence;
        ++result.duplicate_count;
        continue;
      }
      if (!found.IsNotFound()) return FromRocks(found, "reading event_ids");
    }

    const uint64_t sequence = next++;
    const std::string sequence_key = EncodeSequence(sequence);
    if (!event.SerializeToString(&serialized)) {
      return absl::InternalError(absl::StrCat("events[", i, "]: cannot serialize"));
    }
    batch.Put(family(kEvents), sequence_key, serialized);
    batch.Put(family(kUserEvents), UserEventsPrefix(event.user_id()) + sequence_key,
              rocksdb::Slice());
    if (!event.event_id().empty()) {
      batch.Put(family(kEventIds), ToSlice(event.event_id()), sequence_key);
      batch_ids.emplace(event.event_id(), sequence);
    }
    outcome.stored = true;
    outcome.sequence = sequence;
    ++result.stored_count;
  }

  if (result.stored_count > 0) {
    AIGC_RETURN_IF_ERROR(Write(batch));
    last_sequence_.store(next - 1);
  }
  return result;
}

absl::Status Store::ForEachEvent(uint64_t after_sequence,
                                 const std::function<bool(uint64_t, const v1::Event&)>& fn) const {
  if (after_sequence == std::numeric_limits<uint64_t>::max()) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kEvents)));
  v1::Event event;
  for (it->Seek(EncodeSequence(after_sequence + 1)); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const std::optional<uint64_t> sequence = DecodeSequence(key);
    if (!sequence.has_value()) {
      return DataLoss("events", key, "key is not an 8-byte sequence number");
    }
    AIGC_RETURN_IF_ERROR(ParseValue("events", key, it->value(), event));
    if (!fn(*sequence, event)) return absl::OkStatus();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredEvent>> Store::UserEvents(absl::string_view user_id,
                                                           size_t max_count) const {
  std::vector<StoredEvent> result;
  if (max_count == 0) return result;
  // One snapshot for the index scan and the event reads.
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();

  const std::string prefix = UserEventsPrefix(user_id);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, family(kUserEvents)));
  std::string value;
  for (it->SeekForPrev(prefix + EncodeSequence(std::numeric_limits<uint64_t>::max()));
       it->Valid() && result.size() < max_count; it->Prev()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix)) break;
    const std::optional<uint64_t> sequence = DecodeSequence(key.substr(prefix.size()));
    if (!sequence.has_value()) {
      return DataLoss("user_events", key, "key does not end in an 8-byte sequence number");
    }
    const std::string event_key = EncodeSequence(*sequence);
    const rocksdb::Status found = db_->Get(read_options, family(kEvents), event_key, &value);
    if (found.IsNotFound()) return DataLoss("user_events", key, "its event is missing");
    if (!found.ok()) return FromRocks(found, "reading events");
    StoredEvent& stored = result.emplace_back();
    stored.sequence = *sequence;
    AIGC_RETURN_IF_ERROR(ParseValue("events", event_key, value, stored.event));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading user_events");
  return result;
}

uint64_t Store::last_sequence() const { return last_sequence_.load(); }

// --- Catalogue ----------------------------------------------------------------

absl::StatusOr<UpsertResult> Store::UpsertItems(std::vector<Product> items, absl::Time now) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id().empty()) {
      return status::InvalidField(absl::StrCat("items[", i, "].id"), "required");
    }
  }
  const google::protobuf::Timestamp now_timestamp = ToTimestamp(now);

  UpsertResult result;
  result.outcomes.reserve(items.size());
  absl::MutexLock lock(&items_mu_);
  // id -> index into result.written.
  absl::flat_hash_map<std::string, size_t> written_index;
  std::string value;
  for (size_t i = 0; i < items.size(); ++i) {
    Product& item = items[i];
    item.mutable_update_time()->CopyFrom(now_timestamp);
    if (auto it = written_index.find(item.id()); it != written_index.end()) {
      // Replaces the record this call wrote a moment ago: keep its created_time.
      Product& previous = result.written[it->second];
      *item.mutable_created_time() = previous.created_time();
      previous = std::move(item);
      result.outcomes.push_back(UpsertOutcome::kUpdated);
      ++result.updated_count;
      continue;
    }

    const rocksdb::Status found =
        db_->Get(rocksdb::ReadOptions(), family(kItems), ToSlice(item.id()), &value);
    if (found.ok()) {
      Product existing;
      AIGC_RETURN_IF_ERROR(ParseValue("items", item.id(), value, existing));
      if (existing.has_created_time()) {
        *item.mutable_created_time() = existing.created_time();
      } else if (!item.has_created_time()) {
        *item.mutable_created_time() = now_timestamp;
      }
      result.outcomes.push_back(UpsertOutcome::kUpdated);
      ++result.updated_count;
    } else if (found.IsNotFound()) {
      if (!item.has_created_time()) *item.mutable_created_time() = now_timestamp;
      result.outcomes.push_back(UpsertOutcome::kCreated);
      ++result.created_count;
    } else {
      return FromRocks(found, "reading items");
    }
    written_index.emplace(item.id(), result.written.size());
    result.written.push_back(std::move(item));
  }

  rocksdb::WriteBatch batch;
  std::string serialized;
  for (const Product& item : result.written) {
    if (!item.SerializeToString(&serialized)) {
      return absl::InternalError(absl::StrCat("items: cannot serialize ", item.id()));
    }
    batch.Put(family(kItems), ToSlice(item.id()), serialized);
  }
  if (!result.written.empty()) {
    AIGC_RETURN_IF_ERROR(Write(batch));
    item_count_ += result.created_count;
  }
  return result;
}

absl::StatusOr<std::optional<Product>> Store::GetItem(absl::string_view id) const {
  std::string value;
  const rocksdb::Status found =
      db_->Get(rocksdb::ReadOptions(), family(kItems), ToSlice(id), &value);
  if (found.IsNotFound()) return std::optional<Product>();
  if (!found.ok()) return FromRocks(found, "reading items");
  Product item;
  AIGC_RETURN_IF_ERROR(ParseValue("items", id, value, item));
  return item;
}

absl::StatusOr<ItemPage> Store::ListItems(const ItemQuery& query) const {
  if (query.limit == 0) return status::InvalidField("limit", "must be > 0, got 0");
  ItemPage page;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kItems)));
  it->Seek(ToSlice(query.start_after));
  if (it->Valid() && ToView(it->key()) == query.start_after) it->Next();
  Product item;
  for (; it->Valid(); it->Next()) {
    AIGC_RETURN_IF_ERROR(ParseValue("items", ToView(it->key()), it->value(), item));
    if (!Matches(item, query)) continue;
    // One match beyond the page answers has_more exactly.
    if (page.items.size() == query.limit) {
      page.has_more = true;
      break;
    }
    page.items.push_back(std::move(item));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading items");
  if (!page.items.empty()) page.last_id = page.items.back().id();
  return page;
}

absl::Status Store::ForEachItem(const std::function<bool(const Product&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kItems)));
  Product item;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    AIGC_RETURN_IF_ERROR(ParseValue("items", ToView(it->key()), it->value(), item));
    if (!fn(item)) return absl::OkStatus();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading items");
  return absl::OkStatus();
}

int64_t Store::item_count() const {
  absl::MutexLock lock(&items_mu_);
  return item_count_;
}

// --- Meta -----------------------------------------------------------------------

absl::Status Store::PutMeta(absl::string_view key, absl::string_view value) {
  if (key.empty()) return status::InvalidField("key", "required");
  rocksdb::WriteBatch batch;
  batch.Put(family(kMeta), ToSlice(key), ToSlice(value));
  return Write(batch);
}

absl::StatusOr<std::string> Store::GetMeta(absl::string_view key) const {
  std::string value;
  const rocksdb::Status found =
      db_->Get(rocksdb::ReadOptions(), family(kMeta), ToSlice(key), &value);
  if (found.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("store: meta[\"", ShowKey(key), "\"] not found"));
  }
  if (!found.ok()) return FromRocks(found, "reading meta");
  return value;
}

absl::Status Store::ForEachMeta(
    absl::string_view prefix,
    const std::function<bool(absl::string_view, absl::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kMeta)));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix)) break;
    if (!fn(key, ToView(it->value()))) return absl::OkStatus();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading meta");
  return absl::OkStatus();
}

absl::Status Store::DeleteMeta(absl::string_view key) {
  if (key.empty()) return status::InvalidField("key", "required");
  rocksdb::WriteBatch batch;
  batch.Delete(family(kMeta), ToSlice(key));
  return Write(batch);
}

}  // namespace aigc::recommender
