#include "services/copywriter/live/rooms.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/copywriter/live/live_validation.h"

namespace aigc::copy_live {
namespace {

using google::protobuf::util::FieldMaskUtil;
using status::InvalidField;
using v1::ProductKnowledge;
using v1::RoomKnowledge;

ProductKnowledge* FindMutableProduct(RoomKnowledge& room, absl::string_view product_id) {
  for (ProductKnowledge& entry : *room.mutable_products()) {
    if (entry.product().id() == product_id) return &entry;
  }
  return nullptr;
}

// Replaces the entry with the same product id, or appends one.
void Upsert(RoomKnowledge& room, ProductKnowledge knowledge) {
  if (ProductKnowledge* existing = FindMutableProduct(room, knowledge.product().id())) {
    *existing = std::move(knowledge);
  } else {
    *room.add_products() = std::move(knowledge);
  }
}

absl::Status UnknownRoom(absl::string_view room_id) {
  return absl::NotFoundError(absl::StrCat("room_id: unknown room \"", room_id, "\""));
}

}  // namespace

const ProductKnowledge* FindProduct(const RoomKnowledge& room, absl::string_view product_id) {
  const auto& products = room.products();
  const auto it = std::lower_bound(products.begin(), products.end(), product_id,
                                   [](const ProductKnowledge& entry, absl::string_view id) {
                                     return entry.product().id() < id;
                                   });
  if (it == products.end() || it->product().id() != product_id) return nullptr;
  return &*it;
}

RoomRegistry::RoomRegistry(RoomRegistryOptions options) : options_(std::move(options)) {}

absl::StatusOr<RoomSnapshot> RoomRegistry::Mutate(
    absl::string_view room_id, bool create,
    absl::FunctionRef<absl::Status(RoomKnowledge&)> change) {
  absl::MutexLock lock(&mu_);
  auto it = rooms_.find(room_id);
  if (it == rooms_.end() && !create) return UnknownRoom(room_id);
  auto next = std::make_shared<RoomKnowledge>();
  if (it != rooms_.end()) {
    *next = *it->second;
  } else {
    next->set_room_id(std::string(room_id));
  }
  AIGC_RETURN_IF_ERROR(change(*next));
  if (next->products_size() > kMaxProductsPerRoom) {
    return InvalidField("products", absl::StrCat("the room would hold ", next->products_size(),
                                                 " products, at most ", kMaxProductsPerRoom));
  }
  std::sort(next->mutable_products()->begin(), next->mutable_products()->end(),
            [](const ProductKnowledge& a, const ProductKnowledge& b) {
              return a.product().id() < b.product().id();
            });
  next->set_knowledge_version(next->knowledge_version() + 1);
  *next->mutable_update_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(options_.clock()));
  RoomSnapshot snapshot = std::move(next);
  rooms_.insert_or_assign(std::string(room_id), snapshot);
  return snapshot;
}

absl::Status RoomRegistry::MakeCurrent(RoomKnowledge& room, const std::string* product_id,
                                       const ProductKnowledge* knowledge,
                                       absl::string_view field_prefix) const {
  if (knowledge != nullptr) {
    Upsert(room, *knowledge);
    room.set_current_product_id(knowledge->product().id());
    return absl::OkStatus();
  }
  if (FindMutableProduct(room, *product_id) == nullptr) {
    std::optional<common::v1::Product> product;
    if (options_.catalog) product = options_.catalog(*product_id);
    if (!product.has_value()) {
      return absl::NotFoundError(
          absl::StrCat(field_prefix, ".product_id: unknown product \"", *product_id, "\""));
    }
    ProductKnowledge entry;
    *entry.mutable_product() = *std::move(product);
    // The catalogue's record is keyed by the id asked for.
    entry.mutable_product()->set_id(*product_id);
    Upsert(room, std::move(entry));
  }
  room.set_current_product_id(*product_id);
  return absl::OkStatus();
}

absl::StatusOr<RoomRegistry::SetResult> RoomRegistry::Set(
    const v1::SetRoomKnowledgeRequest& request) {
  AIGC_RETURN_IF_ERROR(ValidateRoomId("room_id", request.room_id()));
  if (request.products_size() > kMaxProductsPerRoom) {
    return InvalidField("products", absl::StrCat("at most ", kMaxProductsPerRoom, " entries, got ",
                                                 request.products_size()));
  }
  absl::flat_hash_set<absl::string_view> ids;
  for (int i = 0; i < request.products_size(); ++i) {
    const std::string prefix = absl::StrCat("products[", i, "]");
    AIGC_RETURN_IF_ERROR(ValidateProductKnowledge(request.products(i), prefix));
    if (!ids.insert(request.products(i).product().id()).second) {
      return InvalidField(
          absl::StrCat(prefix, ".product.id"),
          absl::StrCat("duplicate id \"", request.products(i).product().id(), "\""));
    }
  }
  std::string previous_current;
  AIGC_ASSIGN_OR_RETURN(
      RoomSnapshot room, Mutate(request.room_id(), /*create=*/true, [&](RoomKnowledge& next) {
        previous_current = next.current_product_id();
        if (!request.merge()) next.clear_products();
        for (const ProductKnowledge& entry : request.products()) Upsert(next, entry);
        if (!request.current_product_id().empty()) {
          if (FindMutableProduct(next, request.current_product_id()) == nullptr) {
            return InvalidField("current_product_id",
                                absl::StrCat("product \"", request.current_product_id(),
                                             "\" is not in the room after the update"));
          }
          next.set_current_product_id(request.current_product_id());
        } else if (FindMutableProduct(next, next.current_product_id()) == nullptr) {
          next.set_current_product_id(
              request.products().empty() ? "" : request.products(0).product().id());
        }
        return absl::OkStatus();
      }));
  const bool changed = room->current_product_id() != previous_current;
  return SetResult{std::move(room), changed};
}

absl::StatusOr<RoomSnapshot> RoomRegistry::Get(absl::string_view room_id) const {
  AIGC_RETURN_IF_ERROR(ValidateRoomId("room_id", room_id));
  absl::MutexLock lock(&mu_);
  const auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return UnknownRoom(room_id);
  return it->second;
}

absl::StatusOr<RoomSnapshot> RoomRegistry::StartSession(const v1::SessionStart& start) {
  AIGC_RETURN_IF_ERROR(ValidateSessionStart(start));
  switch (start.product_case()) {
    case v1::SessionStart::kProductId:
      return Mutate(start.room_id(), /*create=*/true, [&](RoomKnowledge& room) {
        return MakeCurrent(room, &start.product_id(), nullptr, "start");
      });
    case v1::SessionStart::kProductKnowledge:
      return Mutate(start.room_id(), /*create=*/true, [&](RoomKnowledge& room) {
        return MakeCurrent(room, nullptr, &start.product_knowledge(), "start");
      });
    case v1::SessionStart::PRODUCT_NOT_SET:
      break;
  }
  absl::MutexLock lock(&mu_);
  const auto it = rooms_.find(start.room_id());
  if (it == rooms_.end() || it->second->current_product_id().empty()) {
    return InvalidField("start.product",
                        "required: the room has no current product (set product_id or "
                        "product_knowledge)");
  }
  return it->second;
}

absl::StatusOr<RoomSnapshot> RoomRegistry::SwitchProduct(absl::string_view room_id,
                                                         const v1::SwitchProduct& request) {
  AIGC_RETURN_IF_ERROR(ValidateSwitchProduct(request));
  const bool by_id = request.product_case() == v1::SwitchProduct::kProductId;
  return Mutate(room_id, /*create=*/false, [&](RoomKnowledge& room) {
    return MakeCurrent(room, by_id ? &request.product_id() : nullptr,
                       by_id ? nullptr : &request.product_knowledge(), "switch_product");
  });
}

absl::StatusOr<RoomRegistry::UpdateResult> RoomRegistry::UpdateKnowledge(
    absl::string_view room_id, const v1::UpdateKnowledge& request) {
  constexpr absl::string_view kKnowledge = "update_knowledge.knowledge";
  const std::string id_field = absl::StrCat(kKnowledge, ".product.id");
  for (const std::string& path : request.update_mask().paths()) {
    if (!FieldMaskUtil::IsValidPath<ProductKnowledge>(path)) {
      return InvalidField("update_knowledge.update_mask",
                          absl::StrCat("unknown path \"", path, "\" of ProductKnowledge"));
    }
  }
  std::string product_id;
  AIGC_ASSIGN_OR_RETURN(
      RoomSnapshot room, Mutate(room_id, /*create=*/false, [&](RoomKnowledge& next) {
        product_id = request.knowledge().product().id();
        if (product_id.empty()) product_id = next.current_product_id();
        if (product_id.empty()) {
          return InvalidField(id_field, "required when the room has no current product");
        }
        ProductKnowledge entry;
        if (request.update_mask().paths().empty()) {
          entry = request.knowledge();
        } else {
          const ProductKnowledge* existing = FindMutableProduct(next, product_id);
          if (existing == nullptr) {
            return absl::NotFoundError(absl::StrCat(id_field, ": product \"", product_id,
                                                    "\" is not in the room (a masked update "
                                                    "needs an existing entry)"));
          }
          entry = *existing;
          FieldMaskUtil::MergeOptions merge;
          merge.set_replace_message_fields(true);
          merge.set_replace_repeated_fields(true);
          FieldMaskUtil::MergeMessageTo(request.knowledge(), request.update_mask(), merge, &entry);
        }
        entry.mutable_product()->set_id(product_id);
        AIGC_RETURN_IF_ERROR(ValidateProductKnowledge(entry, kKnowledge));
        Upsert(next, std::move(entry));
        return absl::OkStatus();
      }));
  return UpdateResult{std::move(room), std::move(product_id)};
}

}  // namespace aigc::copy_live
