// The live rooms' product knowledge bases, with the semantics of
// SetRoomKnowledge / GetRoomKnowledge and of LiveQA's SessionStart,
// SwitchProduct and UpdateKnowledge (copywriter.proto is the contract).
//
// Every successful change publishes a new immutable snapshot: products
// ascending by id, knowledge_version incremented by one (the first version of
// a room is 1) and update_time set from the clock. Readers hold a snapshot
// (a shared_ptr to a const RoomKnowledge), so a reply being generated keeps a
// consistent view while the host switches products or updates facts. A
// failed call changes nothing. No change may leave a room with more than 200
// products (INVALID_ARGUMENT "products").
//
// Rooms live until the process ends (the proto allows evicting rooms idle
// for 24 h; not done yet).
#ifndef AIGC_SERVICES_COPYWRITER_LIVE_ROOMS_H_
#define AIGC_SERVICES_COPYWRITER_LIVE_ROOMS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"
#include "services/copywriter/live/clock.h"

namespace aigc::copy_live {

namespace v1 = ::aigc::copywriter::v1;

using RoomSnapshot = std::shared_ptr<const v1::RoomKnowledge>;

// Looks a product up in the copywriter's catalogue: the product, or nullopt
// when the id is unknown. Called with the registry's lock held: it must not
// call back into the registry.
using CatalogLookup = std::function<std::optional<common::v1::Product>(absl::string_view id)>;

struct RoomRegistryOptions {
  // Source of update_time.
  Clock clock = absl::Now;
  // The catalogue that SessionStart/SwitchProduct product ids fall back to
  // when the room does not know the id (the product is then added to the
  // room with no extra knowledge). Empty = no catalogue: such ids are
  // NOT_FOUND.
  CatalogLookup catalog;
};

// The product with `product_id` in `room` (whose products are ascending by
// id), or nullptr.
const v1::ProductKnowledge* FindProduct(const v1::RoomKnowledge& room,
                                        absl::string_view product_id);

// Thread-safe.
class RoomRegistry {
 public:
  explicit RoomRegistry(RoomRegistryOptions options = {});

  struct SetResult {
    RoomSnapshot room;
    // Whether current_product_id differs from before the call (an active
    // session of the room then sends ProductSwitched). True for a new room
    // with a current product.
    bool current_product_changed = false;
  };

  // SetRoomKnowledge. INVALID_ARGUMENT for: room_id ("room_id"); more than
  // 200 products in the request or in the room after a merge ("products"); an invalid entry
  // ("products[i].<field>", see ValidateProductKnowledge); a product id given twice
  // ("products[i].product.id"); a current_product_id not in the room after
  // the update ("current_product_id"). Creates unknown rooms.
  absl::StatusOr<SetResult> Set(const v1::SetRoomKnowledgeRequest& request);

  // GetRoomKnowledge. INVALID_ARGUMENT "room_id" when malformed, NOT_FOUND
  // "room_id" when unknown.
  absl::StatusOr<RoomSnapshot> Get(absl::string_view room_id) const;

  // Applies a LiveQA SessionStart, creating an unknown room. With
  // product_id: makes it current (from the room, else from the catalogue,
  // else NOT_FOUND "start.product_id"). With product_knowledge: upserts it
  // and makes it current. Either is a change. With neither: the room is
  // unchanged and must have a current product (else INVALID_ARGUMENT
  // "start.product", and no room is created). INVALID_ARGUMENT as
  // ValidateSessionStart.
  absl::StatusOr<RoomSnapshot> StartSession(const v1::SessionStart& start);

  // Applies a SwitchProduct to an existing room as StartSession applies its
  // product: INVALID_ARGUMENT as ValidateSwitchProduct, NOT_FOUND
  // "switch_product.product_id" for an id neither in the room nor in the
  // catalogue, NOT_FOUND "room_id" for an unknown room. Switching to the
  // current product still counts as a change.
  absl::StatusOr<RoomSnapshot> SwitchProduct(absl::string_view room_id,
                                             const v1::SwitchProduct& request);

  struct UpdateResult {
    RoomSnapshot room;
    // The product whose knowledge changed (KnowledgeUpdated.product_id).
    std::string product_id;
  };

  // Applies an UpdateKnowledge. knowledge.product.id selects the product,
  // empty = the current one (none => INVALID_ARGUMENT
  // "update_knowledge.knowledge.product.id"). Empty update_mask: the entry is
  // replaced or inserted. Otherwise the mask's paths (relative to
  // ProductKnowledge; repeated and map fields replaced whole) are copied onto
  // the existing entry, whose product.id is kept whatever the mask says; an
  // unknown path => INVALID_ARGUMENT "update_knowledge.update_mask", a
  // product not in the room => NOT_FOUND "update_knowledge.knowledge.product.id".
  // The resulting entry must be valid (INVALID_ARGUMENT
  // "update_knowledge.knowledge.<field>"). NOT_FOUND "room_id" for an
  // unknown room.
  absl::StatusOr<UpdateResult> UpdateKnowledge(absl::string_view room_id,
                                               const v1::UpdateKnowledge& request);

 private:
  // Copies the room (or starts an empty one named room_id when `create`),
  // lets `change` edit the copy, then publishes it as the next version. When
  // `change` fails, or the copy holds more than 200 products (INVALID_ARGUMENT
  // "products"), nothing is published. NOT_FOUND "room_id" for an unknown
  // room when !create.
  absl::StatusOr<RoomSnapshot> Mutate(absl::string_view room_id, bool create,
                                      absl::FunctionRef<absl::Status(v1::RoomKnowledge&)> change);

  // Makes product_id (when non-null) or the inline knowledge current in
  // `room`; NOT_FOUND "<field_prefix>.product_id" for an unknown id.
  absl::Status MakeCurrent(v1::RoomKnowledge& room, const std::string* product_id,
                           const v1::ProductKnowledge* knowledge,
                           absl::string_view field_prefix) const;

  const RoomRegistryOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, RoomSnapshot> rooms_ ABSL_GUARDED_BY(mu_);
};

}  // namespace aigc::copy_live

#endif  // AIGC_SERVICES_COPYWRITER_LIVE_ROOMS_H_
