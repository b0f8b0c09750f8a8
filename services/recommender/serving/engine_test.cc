#include "services/recommender/serving/engine.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/recommender/core/training_set_builder.h"
#include "services/recommender/repository/rec_models.h"

namespace aigc::recommender {
namespace {

namespace fs = std::filesystem;
namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

common::Product Item(const std::string& id, const std::string& title, common::Category category,
                     int64_t price_minor) {
  common::Product product;
  product.set_id(id);
  product.set_title(title);
  product.set_category(category);
  product.mutable_price()->set_amount_minor(price_minor);
  product.mutable_price()->set_currency_code("CNY");
  return product;
}

v1::Event View(const std::string& user, const std::string& item, int64_t time) {
  v1::Event event;
  event.set_user_id(user);
  event.set_item_id(item);
  event.set_type(v1::EVENT_TYPE_VIEW);
  event.mutable_event_time()->set_seconds(time);
  return event;
}

std::vector<std::string> Ids(const v1::RecommendResponse& response) {
  std::vector<std::string> ids;
  for (const auto& item : response.items()) ids.push_back(item.item_id());
  return ids;
}

// Dresses d1..d3 go together, coats c1, c2 and the bag b1 together; d1 is
// the most popular item.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(::testing::TempDir()) /
        ("engine_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    catalogue_ = {Item("d1", "法式碎花连衣裙", common::CATEGORY_DRESS, 29900),
                  Item("d2", "真丝吊带裙", common::CATEGORY_DRESS, 59900),
                  Item("d3", "针织长裙", common::CATEGORY_DRESS, 19900),
                  Item("c1", "羊毛大衣", common::CATEGORY_COAT, 99900),
                  Item("c2", "羽绒服", common::CATEGORY_COAT, 79900),
                  Item("b1", "托特包", common::CATEGORY_BAG, 39900)};
    events_ = {View("u1", "d1", 1),  View("u1", "d2", 2),  View("u2", "d1", 3),
               View("u2", "d2", 4),  View("u2", "d3", 5),  View("u3", "d1", 6),
               View("u3", "d3", 7),  View("u4", "c1", 8),  View("u4", "c2", 9),
               View("u5", "c1", 10), View("u5", "c2", 11), View("u5", "b1", 12),
               View("u6", "d1", 13)};
    items_.Put(catalogue_);
    histories_.Append(events_);
    runtime::ModelRepositoryOptions options;
    options.root = root_;
    auto repository = runtime::ModelRepository::Create(options, &metrics_, LoadRecModel);
    ASSERT_TRUE(repository.ok()) << repository.status();
    repository_ = *std::move(repository);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Trains and loads `algorithm` on the catalogue and events.
  void Serve(v1::Algorithm algorithm, std::map<std::string, std::string> overrides = {}) {
    TrainingSetBuilder builder;
    for (const auto& item : catalogue_) builder.AddItem(item);
    for (const auto& event : events_) builder.AddEvent(event);
    auto params = Hyperparameters::Parse(overrides);
    ASSERT_TRUE(params.ok()) << params.status();
    auto model = TrainModel(algorithm, builder.Build(), *params, TrainContext{});
    ASSERT_TRUE(model.ok()) << model.status();
    ASSERT_TRUE(PublishRecModel(root_, **model, {}).ok());
    const std::string name = RepositoryModelName(algorithm);
    if (repository_->Get(name) == nullptr) {
      ASSERT_TRUE(repository_->AddModel(name).ok());
    } else {
      ASSERT_TRUE(repository_->Reload(name).ok());
    }
  }

  RecommendEngine Engine(EngineOptions options = {}) {
    return RecommendEngine(repository_.get(), &items_, &histories_, std::move(options));
  }

  v1::RecommendRequest Request(const std::string& user, v1::Algorithm algorithm, int count = 3) {
    v1::RecommendRequest request;
    request.set_user_id(user);
    request.set_algorithm(algorithm);
    request.set_count(count);
    return request;
  }

  fs::path root_;
  std::vector<common::Product> catalogue_;
  std::vector<v1::Event> events_;
  ItemDirectory items_;
  UserHistories histories_{100};
  prometheus::Registry registry_;
  runtime::InferenceMetrics metrics_{registry_};
  std::unique_ptr<runtime::ModelRepository> repository_;
};

TEST_F(EngineTest, ANewEventChangesTheNextRecommendation) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  const RecommendEngine engine = Engine();
  auto cold = engine.Recommend(Request("newcomer", v1::ALGORITHM_ITEM_KNN, 1));
  ASSERT_TRUE(cold.ok()) << cold.status();
  EXPECT_EQ(cold->fallback_reason(), v1::FALLBACK_REASON_COLD_START_USER);
  EXPECT_EQ(cold->algorithm(), v1::ALGORITHM_POPULARITY);
  EXPECT_THAT(Ids(*cold), ElementsAre("d1"));
  EXPECT_EQ(cold->items(0).reason(), "连衣裙热销");
  EXPECT_EQ(cold->items(0).reason_type(), v1::REASON_TYPE_POPULAR_IN_CATEGORY);

  histories_.Append({View("newcomer", "c1", 100)});
  auto warm = engine.Recommend(Request("newcomer", v1::ALGORITHM_ITEM_KNN, 1));
  ASSERT_TRUE(warm.ok()) << warm.status();
  EXPECT_EQ(warm->fallback_reason(), v1::FALLBACK_REASON_UNSPECIFIED);
  EXPECT_EQ(warm->algorithm(), v1::ALGORITHM_ITEM_KNN);
  EXPECT_THAT(Ids(*warm), ElementsAre("c2"));  // c1's strongest neighbour
  EXPECT_EQ(warm->items(0).reason(), "因为你看过「羊毛大衣」");
  EXPECT_THAT(warm->items(0).reason_item_ids(), ElementsAre("c1"));
  EXPECT_EQ(warm->model().name(), "rec-item-knn");
  EXPECT_EQ(warm->model().version(), "1");
}

TEST_F(EngineTest, ANewItemInAFavouriteCategorySaysSo) {
  // d3 joined the catalogue yesterday; u1 viewed two dresses, so dresses are
  // a favourite category of u1 but not of u6, who viewed one.
  common::Product fresh = catalogue_[2];
  fresh.mutable_created_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(24)));
  items_.Put({fresh});
  Serve(v1::ALGORITHM_ITEM_KNN);
  const RecommendEngine engine = Engine();

  auto liked = engine.Recommend(Request("u1", v1::ALGORITHM_ITEM_KNN, 1));
  ASSERT_TRUE(liked.ok()) << liked.status();
  ASSERT_THAT(Ids(*liked), ElementsAre("d3"));
  EXPECT_EQ(liked->items(0).reason_type(), v1::REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY);
  EXPECT_EQ(liked->items(0).reason(), "你喜欢的「连衣裙」上新了");
  EXPECT_FALSE(liked->items(0).reason_item_ids().empty());  // the model's evidence stays

  auto once = engine.Recommend(Request("u6", v1::ALGORITHM_ITEM_KNN, 3));
  ASSERT_TRUE(once.ok()) << once.status();
  for (const auto& item : once->items()) {
    EXPECT_NE(item.reason_type(), v1::REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY) << item.item_id();
  }

  // Older than the window: an ordinary reason again.
  auto later = Engine({.new_item_window = absl::Hours(1)})
                   .Recommend(Request("u1", v1::ALGORITHM_ITEM_KNN, 1));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->items(0).reason_type(), v1::REASON_TYPE_SIMILAR_TO_HISTORY);
}

TEST_F(EngineTest, SeenItemsAreExcludedUnlessTheFilterAllowsThem) {
  Serve(v1::ALGORITHM_POPULARITY);
  const RecommendEngine engine = Engine();
  auto response = engine.Recommend(Request("u1", v1::ALGORITHM_POPULARITY, 10));
  ASSERT_TRUE(response.ok()) << response.status();
  for (const std::string& id : Ids(*response)) EXPECT_NE(id, "d1");
  v1::RecommendRequest again = Request("u1", v1::ALGORITHM_POPULARITY, 1);
  again.mutable_filter()->set_exclude_seen(false);
  EXPECT_THAT(Ids(*engine.Recommend(again)), ElementsAre("d1"));
}

TEST_F(EngineTest, SeenItemsOutsideTheProfileWindowStayExcluded) {
  Serve(v1::ALGORITHM_POPULARITY);
  EngineOptions options;
  options.max_profile_events = 1;  // u1's profile holds d2 only; d1 is still seen
  auto response = Engine(options).Recommend(Request("u1", v1::ALGORITHM_POPULARITY, 10));
  ASSERT_TRUE(response.ok()) << response.status();
  for (const std::string& id : Ids(*response)) {
    EXPECT_NE(id, "d1");
    EXPECT_NE(id, "d2");
  }
}

TEST_F(EngineTest, FiltersByCategoryAndPrice) {
  Serve(v1::ALGORITHM_POPULARITY);
  const RecommendEngine engine = Engine();
  v1::RecommendRequest request = Request("u6", v1::ALGORITHM_POPULARITY, 10);
  request.mutable_filter()->add_include_categories(common::CATEGORY_COAT);
  auto* range = request.mutable_filter()->mutable_price_range();
  range->mutable_max_price()->set_amount_minor(80000);
  range->mutable_max_price()->set_currency_code("CNY");
  EXPECT_THAT(Ids(*engine.Recommend(request)), ElementsAre("c2"));
}

TEST_F(EngineTest, TooFewCandidatesAreFilledWithPopularItems) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  auto response = Engine().Recommend(Request("u4", v1::ALGORITHM_ITEM_KNN, 4));
  ASSERT_TRUE(response.ok()) << response.status();
  // b1 is c1's and c2's only unseen neighbour; dresses come from popularity.
  EXPECT_THAT(Ids(*response), ElementsAre("b1", "d1", "d2", "d3"));
  EXPECT_EQ(response->fallback_reason(), v1::FALLBACK_REASON_INSUFFICIENT_CANDIDATES);
  EXPECT_EQ(response->items(1).reason_type(), v1::REASON_TYPE_POPULAR_IN_CATEGORY);
  EXPECT_EQ(response->items(3).rank(), 4);
}

TEST_F(EngineTest, DiversityPrefersItemsUnlikeThoseAlreadyPicked) {
  Serve(v1::ALGORITHM_POPULARITY);
  v1::RecommendRequest request = Request("u6", v1::ALGORITHM_POPULARITY, 2);
  auto plain = Engine().Recommend(request);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_THAT(Ids(*plain), ElementsAre("d2", "d3"));  // the two most popular unseen
  request.set_diversity_lambda(0.0f);
  auto diverse = Engine().Recommend(request);
  ASSERT_TRUE(diverse.ok()) << diverse.status();
  ASSERT_EQ(diverse->items_size(), 2);
  EXPECT_EQ(diverse->items(0).item_id(), "d2");
  EXPECT_NE(diverse->items(1).item_id(), "d3");  // another dress is least diverse
}

TEST_F(EngineTest, TheDefaultAlgorithmFallsBackWhenItsModelIsMissing) {
  Serve(v1::ALGORITHM_POPULARITY);
  const RecommendEngine engine = Engine();  // default: hybrid, none of it loaded
  auto response = engine.Recommend(Request("u1", v1::ALGORITHM_UNSPECIFIED));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->fallback_reason(), v1::FALLBACK_REASON_MODEL_NOT_LOADED);
  EXPECT_EQ(response->algorithm(), v1::ALGORITHM_POPULARITY);
  auto explicit_ease = engine.Recommend(Request("u1", v1::ALGORITHM_EASE));
  EXPECT_EQ(explicit_ease.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(explicit_ease.status().message(), HasSubstr("ALGORITHM_EASE"));
}

TEST_F(EngineTest, TheHybridBlendsLoadedComponents) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_EASE, {{"ease.min_item_users", "1"}, {"ease.lambda", "1"}});
  Serve(v1::ALGORITHM_USER_KNN);
  auto response = Engine().Recommend(Request("u1", v1::ALGORITHM_HYBRID, 1));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->algorithm(), v1::ALGORITHM_HYBRID);
  EXPECT_EQ(response->model().name(), "rec-ease");  // the heaviest component
  EXPECT_THAT(Ids(*response), ElementsAre("d3"));
}

TEST_F(EngineTest, AnExperimentDecidesRequestsWithoutAnAlgorithm) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  v1::ExperimentsConfig config;
  v1::Experiment* experiment = config.add_experiments();
  experiment->set_id("rec_algo");
  experiment->set_traffic(1);
  v1::ExperimentVariant* variant = experiment->add_variants();
  variant->set_name("knn");
  variant->set_weight(1);
  variant->set_algorithm(v1::ALGORITHM_ITEM_KNN);
  EngineOptions options;
  auto experiments = Experiments::FromConfig(config);
  ASSERT_TRUE(experiments.ok()) << experiments.status();
  options.experiments = *std::move(experiments);
  const RecommendEngine engine = Engine(std::move(options));

  auto assigned = engine.Recommend(Request("u4", v1::ALGORITHM_UNSPECIFIED, 1));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->algorithm(), v1::ALGORITHM_ITEM_KNN);
  EXPECT_EQ(assigned->experiment_id(), "rec_algo");
  EXPECT_EQ(assigned->variant(), "knn");
  // An explicit algorithm is outside every experiment.
  auto chosen = engine.Recommend(Request("u4", v1::ALGORITHM_POPULARITY, 1));
  ASSERT_TRUE(chosen.ok());
  EXPECT_TRUE(chosen->experiment_id().empty());
  EXPECT_TRUE(chosen->variant().empty());
}

TEST_F(EngineTest, ExplorationFillsTheLastSlotAndRecordsTheImpression) {
  Serve(v1::ALGORITHM_POPULARITY);
  ExplorationBandit bandit;
  EngineOptions options;
  options.bandit = &bandit;
  v1::RecommendRequest request = Request("u6", v1::ALGORITHM_POPULARITY, 3);
  request.set_explore(true);
  auto response = Engine(std::move(options)).Recommend(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->items_size(), 3);
  // Popularity ranks d2 d3 ...; the two best stay, the third slot explores
  // among the rest.
  EXPECT_EQ(response->items(0).item_id(), "d2");
  EXPECT_FALSE(response->items(0).exploration());
  const v1::RecommendedItem& explored = response->items(2);
  EXPECT_TRUE(explored.exploration());
  EXPECT_EQ(explored.reason_type(), v1::REASON_TYPE_EXPLORATION);
  EXPECT_EQ(explored.rank(), 3);
  EXPECT_NE(explored.item_id(), "d2");
  EXPECT_NE(explored.item_id(), "d3");
  EXPECT_EQ(bandit.Arm(explored.item_id()).first, 1);
}

TEST_F(EngineTest, BadRequestsNameTheField) {
  const RecommendEngine engine = Engine();
  const std::vector<std::pair<std::string, std::function<void(v1::RecommendRequest&)>>> cases = {
      {"user_id", [](v1::RecommendRequest& r) { r.clear_user_id(); }},
      {"count", [](v1::RecommendRequest& r) { r.set_count(201); }},
      {"algorithm",
       [](v1::RecommendRequest& r) { r.set_algorithm(static_cast<v1::Algorithm>(99)); }},
      {"diversity_lambda", [](v1::RecommendRequest& r) { r.set_diversity_lambda(1.5f); }},
      {"filter.include_categories[0]",
       [](v1::RecommendRequest& r) {
         r.mutable_filter()->add_include_categories(common::CATEGORY_UNSPECIFIED);
       }},
      {"context_item_ids[0]", [](v1::RecommendRequest& r) { r.add_context_item_ids("bad id"); }},
  };
  for (const auto& [field, break_it] : cases) {
    v1::RecommendRequest request = Request("u1", v1::ALGORITHM_POPULARITY);
    break_it(request);
    const auto response = engine.Recommend(request);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(response.status().message(), HasSubstr(field + ":")) << response.status();
  }
}

TEST_F(EngineTest, ContextItemsSteerAColdStartAndAreNeverReturned) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  v1::RecommendRequest request = Request("visitor", v1::ALGORITHM_ITEM_KNN, 1);
  request.add_context_item_ids("c2");
  request.mutable_metadata()->set_locale("en-US");
  auto response = Engine().Recommend(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Ids(*response), ElementsAre("c1"));
  EXPECT_EQ(response->items(0).reason_type(), v1::REASON_TYPE_SIMILAR_TO_CONTEXT);
  EXPECT_EQ(response->items(0).reason(), "goes with 羽绒服");
}

TEST_F(EngineTest, SimilarItemsUseItemNeighbours) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  const RecommendEngine engine = Engine();
  v1::SimilarItemsRequest request;
  request.set_item_id("c1");
  request.set_count(2);
  auto response = engine.SimilarItems(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->algorithm(), v1::ALGORITHM_ITEM_KNN);
  ASSERT_GE(response->items_size(), 1);
  EXPECT_EQ(response->items(0).item_id(), "c2");
  EXPECT_EQ(response->items(0).reason(), "与「羊毛大衣」相似");

  request.set_item_id("nope");
  EXPECT_EQ(engine.SimilarItems(request).status().code(), absl::StatusCode::kNotFound);
  request.set_item_id("c1");
  request.set_algorithm(v1::ALGORITHM_USER_KNN);
  EXPECT_EQ(engine.SimilarItems(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, ANewItemGetsContentNeighboursByItsAttributes) {
  catalogue_[1].set_material("silk");  // d2 is silk, like the new item
  catalogue_[3].set_material("wool");
  items_.Put(catalogue_);
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  Serve(v1::ALGORITHM_CONTENT, {{"content.min_items", "1"}});
  common::Product fresh = Item("d9", "新款真丝裙", common::CATEGORY_DRESS, 39900);
  fresh.set_material("silk");
  items_.Put({fresh});
  v1::SimilarItemsRequest request;
  request.set_item_id("d9");
  request.set_count(1);
  auto response = Engine().SimilarItems(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->fallback_reason(), v1::FALLBACK_REASON_COLD_START_ITEM);
  EXPECT_EQ(response->algorithm(), v1::ALGORITHM_CONTENT);
  ASSERT_EQ(response->items_size(), 1);
  EXPECT_EQ(response->items(0).item_id(), "d2");  // same category and material
  EXPECT_EQ(response->items(0).reason(), "与「新款真丝裙」相似");
}

TEST_F(EngineTest, ANewItemGetsPopularItemsOfItsCategory) {
  Serve(v1::ALGORITHM_POPULARITY);
  Serve(v1::ALGORITHM_ITEM_KNN);
  items_.Put({Item("d9", "新款连衣裙", common::CATEGORY_DRESS, 39900)});
  v1::SimilarItemsRequest request;
  request.set_item_id("d9");
  request.set_count(5);
  auto response = Engine().SimilarItems(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->fallback_reason(), v1::FALLBACK_REASON_COLD_START_ITEM);
  EXPECT_EQ(response->algorithm(), v1::ALGORITHM_POPULARITY);
  std::vector<std::string> ids;
  for (const auto& item : response->items()) ids.push_back(item.item_id());
  EXPECT_THAT(ids, ElementsAre("d1", "d2", "d3"));
}

TEST_F(EngineTest, PredictRatingChecksTheAlgorithm) {
  Serve(v1::ALGORITHM_ITEM_KNN);
  const RecommendEngine engine = Engine();
  v1::PredictRatingRequest request;
  auto* pair = request.add_pairs();
  pair->set_user_id("u1");
  pair->set_item_id("d3");
  EXPECT_EQ(engine.PredictRating(request).status().code(), absl::StatusCode::kUnavailable);
  request.set_algorithm(v1::ALGORITHM_EASE);
  EXPECT_THAT(engine.PredictRating(request).status().message(),
              HasSubstr("does not predict ratings"));
  request.set_algorithm(v1::ALGORITHM_ITEM_KNN);  // trained without ratings
  EXPECT_EQ(engine.PredictRating(request).status().code(), absl::StatusCode::kFailedPrecondition);
  request.clear_pairs();
  EXPECT_THAT(engine.PredictRating(request).status().message(), HasSubstr("pairs:"));
}

}  // namespace
}  // namespace aigc::recommender
