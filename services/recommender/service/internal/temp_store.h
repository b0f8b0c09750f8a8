// Test support: a Store in a fresh temporary directory, removed again when the
// TempStore goes away, and small builders of valid items and events.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_INTERNAL_TEMP_STORE_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_INTERNAL_TEMP_STORE_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "common/runtime/model_repository.h"
#include "gtest/gtest.h"
#include "services/recommender/repository/rec_models.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender::internal {

class TempStore {
 public:
  // Opens a store (sync off: these tests check logic, not durability) in a
  // new directory under the test's temp dir. `store()` is null (and a test
  // failure recorded) when that fails.
  TempStore() {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "rec_service_test.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp " << pattern << " failed";
      return;
    }
    dir_ = pattern;
    auto store = Store::Open({.path = dir_ / "store", .sync = false});
    if (!store.ok()) {
      ADD_FAILURE() << store.status();
      return;
    }
    store_ = *std::move(store);
  }

  ~TempStore() {
    store_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  Store* store() const { return store_.get(); }
  // The temp directory, for other files a test needs.
  const std::filesystem::path& dir() const { return dir_; }

  // A model repository of recommender models in dir()/models (created, empty,
  // not polled), reporting to `metrics`. Null, with a test failure recorded,
  // when it cannot be created.
  std::unique_ptr<runtime::ModelRepository> NewModelRepository(
      runtime::InferenceMetrics* metrics) const {
    runtime::ModelRepositoryOptions options;
    options.root = dir_ / "models";
    std::filesystem::create_directories(options.root);
    auto models = runtime::ModelRepository::Create(options, metrics, LoadRecModel);
    if (!models.ok()) {
      ADD_FAILURE() << models.status();
      return nullptr;
    }
    return *std::move(models);
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

// A valid catalogue item: a fashion product in `category`.
inline common::v1::Product TestItem(const std::string& id,
                                    common::v1::Category category = common::v1::CATEGORY_DRESS,
                                    common::v1::ItemKind kind = common::v1::ITEM_KIND_PRODUCT) {
  common::v1::Product item;
  item.set_id(id);
  item.set_title("Item " + id);
  item.set_category(category);
  item.set_kind(kind);
  return item;
}

// A valid VIEW event of `user_id` on `item_id`.
inline v1::Event TestEvent(const std::string& event_id, const std::string& user_id,
                           const std::string& item_id) {
  v1::Event event;
  event.set_event_id(event_id);
  event.set_user_id(user_id);
  event.set_item_id(item_id);
  event.set_type(v1::EVENT_TYPE_VIEW);
  return event;
}

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_INTERNAL_TEMP_STORE_H_
