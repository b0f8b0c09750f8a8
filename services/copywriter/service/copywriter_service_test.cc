#include "services/copywriter/service/copywriter_service.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/copywriter/grounding/catalog_lexicon.h"

namespace aigc::copywriter {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

common::v1::Product Dress() {
  common::v1::Product product;
  product.set_title("法式碎花雪纺连衣裙");
  product.set_category(common::v1::CATEGORY_DRESS);
  product.set_material("雪纺");
  product.add_colors("米白");
  product.add_sizes("M");
  product.mutable_price()->set_amount_minor(19900);
  product.mutable_price()->set_currency_code("CNY");
  return product;
}

// An in-process server over an untrained tiny copy model: the texts are
// noise, but everything around them (validation, batching, streaming,
// reports, labels) is the service's real behaviour.
class CopywriterServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            absl::StrCat("copywriter_service_",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto repository =
        runtime::ModelRepository::Create({.root = root_}, &inference_metrics_, LoadCopyModel);
    ASSERT_TRUE(repository.ok()) << repository.status();
    models_ = *std::move(repository);
    auto compliance = copy_compliance::DefaultComplianceFilter();
    ASSERT_TRUE(compliance.ok());
    compliance_ = *std::move(compliance);
    auto facts = copy_grounding::FactChecker::Create(copy_grounding::CatalogFactLexicon());
    ASSERT_TRUE(facts.ok());
    facts_ = *std::move(facts);
    common::v1::Product listed = Dress();
    listed.set_id("sku-3-0001");
    catalogue_[listed.id()] = listed;
    service_ = std::make_unique<CopywriterServiceImpl>(
        CopywriterServiceDeps{.models = models_.get(),
                              .scheduler = &scheduler_,
                              .checks = {.compliance = compliance_.get(), .facts = facts_.get()},
                              .catalogue = &catalogue_,
                              .rooms = &rooms_},
        registry_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::CopywriterService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    fs::remove_all(root_);
  }

  void PublishTinyModel() {
    auto tokenizer = TrainBpe({"连衣裙 雪纺 米白 199元", "dress chiffon"},
                              {.vocab_size = 300, .special_tokens = CopySpecialTokens()});
    ASSERT_TRUE(tokenizer.ok());
    auto lm = copy_lm::LanguageModel::Create(
        {.vocab_size = tokenizer->vocab_size(), .context_length = 256, .d_model = 16,
         .num_layers = 1, .num_heads = 2, .d_ff = 32},
        runtime::Device::kCpu, /*init_seed=*/5);
    ASSERT_TRUE(lm.ok());
    ASSERT_TRUE(PublishCopyModel(root_, **lm, *tokenizer, {.created_by = "test"}).ok());
    ASSERT_TRUE(models_->AddModel(kCopyModelName).ok());
  }

  static v1::GenerateCopyRequest Request(int n = 1) {
    v1::GenerateCopyRequest request;
    *request.mutable_product() = Dress();
    request.set_n(n);
    request.mutable_sampling()->set_max_tokens(12);
    request.mutable_sampling()->set_seed(7);
    return request;
  }

  grpc::Status Generate(const v1::GenerateCopyRequest& request,
                        v1::GenerateCopyResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->GenerateCopy(&context, request, response);
  }

  fs::path root_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics inference_metrics_{registry_};
  std::unique_ptr<runtime::ModelRepository> models_;
  DecodeScheduler scheduler_{{}};
  std::unique_ptr<copy_compliance::ComplianceFilter> compliance_;
  std::unique_ptr<copy_grounding::FactChecker> facts_;
  ProductCatalogue catalogue_;
  copy_live::RoomRegistry rooms_;
  std::unique_ptr<CopywriterServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CopywriterService::Stub> stub_;
};

TEST_F(CopywriterServiceTest, WithoutAModelRequestsAreUnavailable) {
  v1::GenerateCopyResponse response;
  const grpc::Status status = Generate(Request(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("copywriter-lm"));
}

TEST_F(CopywriterServiceTest, GenerateCopyAnswersNCandidatesBestFirstWithLabelsAndReports) {
  PublishTinyModel();
  v1::GenerateCopyResponse response;
  const grpc::Status status = Generate(Request(3), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.candidates_size() + response.dropped_count(), 3);
  std::vector<int> indices;
  for (int i = 0; i < response.candidates_size(); ++i) {
    const v1::CopyCandidate& candidate = response.candidates(i);
    indices.push_back(candidate.index());
    EXPECT_EQ(candidate.seed(), 7u + candidate.index());
    EXPECT_GT(candidate.token_count(), 0);
    EXPECT_LE(candidate.token_count(), 12);
    EXPECT_NE(candidate.finish_reason(), v1::FINISH_REASON_UNSPECIFIED);
    EXPECT_TRUE(candidate.aigc_label().ai_generated());
    EXPECT_EQ(candidate.aigc_label().label_text(), "AI生成");
    EXPECT_EQ(candidate.aigc_label().content_id().size(), 32u);
    EXPECT_EQ(candidate.aigc_label().model().name(), "copywriter-lm");
    EXPECT_FALSE(candidate.compliance().lexicon_version().empty());
    if (i > 0) {
      EXPECT_GE(response.candidates(i - 1).score(), candidate.score());
    }
  }
  EXPECT_EQ(response.model().name(), "copywriter-lm");
  EXPECT_EQ(response.model().version(), "1");
  EXPECT_EQ(response.language(), common::v1::LANGUAGE_ZH);
  EXPECT_EQ(response.style(), v1::COPY_STYLE_CONCISE);
  EXPECT_EQ(response.channel(), v1::CHANNEL_DETAIL_PAGE);
  EXPECT_EQ(response.metadata().request_id().size(), 32u);

  // The same seed writes the same texts.
  v1::GenerateCopyResponse again;
  ASSERT_TRUE(Generate(Request(3), &again).ok());
  ASSERT_EQ(again.candidates_size(), response.candidates_size());
  for (int i = 0; i < response.candidates_size(); ++i) {
    EXPECT_EQ(again.candidates(i).text(), response.candidates(i).text());
  }
}

TEST_F(CopywriterServiceTest, ACatalogueProductIsFoundByIdAndAnUnknownOneIsNotFound) {
  PublishTinyModel();
  v1::GenerateCopyRequest request = Request();
  request.set_product_id("sku-3-0001");
  v1::GenerateCopyResponse response;
  EXPECT_TRUE(Generate(request, &response).ok());
  request.set_product_id("sku-9-9999");
  const grpc::Status status = Generate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("product_id"));
}

TEST_F(CopywriterServiceTest, BadRequestsNameTheField) {
  PublishTinyModel();
  const std::vector<std::pair<std::string, std::function<void(v1::GenerateCopyRequest&)>>> cases = {
      {"product", [](auto& r) { r.clear_product(); }},
      {"product.title", [](auto& r) { r.mutable_product()->clear_title(); }},
      {"product.price.currency_code",
       [](auto& r) { r.mutable_product()->mutable_price()->set_currency_code("yuan"); }},
      {"n", [](auto& r) { r.set_n(9); }},
      {"n", [](auto& r) { r.set_n(-1); }},
      {"sampling.max_tokens", [](auto& r) { r.mutable_sampling()->set_max_tokens(513); }},
      {"sampling.temperature", [](auto& r) { r.mutable_sampling()->set_temperature(2.5f); }},
      {"sampling.top_p", [](auto& r) { r.mutable_sampling()->set_top_p(0); }},
      {"sampling.stop", [](auto& r) { r.mutable_sampling()->add_stop(""); }},
      {"highlights[0]", [](auto& r) { r.add_highlights(std::string(51, 'x')); }},
      {"style", [](auto& r) { r.set_style(static_cast<v1::CopyStyle>(42)); }},
      {"metadata.request_id", [](auto& r) { r.mutable_metadata()->set_request_id("bad id\n"); }},
  };
  for (const auto& [field, mutate] : cases) {
    v1::GenerateCopyRequest request = Request();
    mutate(request);
    v1::GenerateCopyResponse response;
    const grpc::Status status = Generate(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(status.error_message(), HasSubstr(field));
  }
}

TEST_F(CopywriterServiceTest, StreamCopySendsTheHeaderThenDeltasThenOneFinishPerCandidate) {
  PublishTinyModel();
  v1::StreamCopyRequest request;
  request.ParseFromString(Request(2).SerializeAsString());  // wire-compatible
  request.set_language(common::v1::LANGUAGE_EN);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = stub_->StreamCopy(&context, request);
  v1::StreamCopyResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_started());
  EXPECT_EQ(message.started().n(), 2);
  EXPECT_EQ(message.started().language(), common::v1::LANGUAGE_EN);
  std::map<int, std::string> streamed;
  std::map<int, v1::CopyCandidateFinished> finished;
  while (reader->Read(&message)) {
    ASSERT_FALSE(message.has_started());
    if (message.has_delta()) {
      const int index = message.delta().candidate_index();
      EXPECT_FALSE(finished.contains(index)) << "delta after its candidate finished";
      EXPECT_GE(message.delta().token_count(), 1);
      streamed[index] += message.delta().text();
    } else {
      ASSERT_TRUE(message.has_candidate_finished());
      const int index = message.candidate_finished().candidate_index();
      EXPECT_FALSE(finished.contains(index));
      finished[index] = message.candidate_finished();
    }
  }
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(finished.size(), 2u);
  for (const auto& [index, done] : finished) {
    EXPECT_EQ(done.candidate().aigc_label().label_text(), "AI-generated");
    EXPECT_EQ(done.text_differs_from_deltas(), done.candidate().text() != streamed[index]);
  }
}

TEST_F(CopywriterServiceTest, StreamCopyRefusesABadRequestBeforeAnyMessage) {
  PublishTinyModel();
  v1::StreamCopyRequest request;
  grpc::ClientContext context;
  auto reader = stub_->StreamCopy(&context, request);
  v1::StreamCopyResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CopywriterServiceTest, RoomKnowledgeIsStoredVersionedAndReadBack) {
  v1::SetRoomKnowledgeRequest set;
  set.set_room_id("room-1");
  v1::ProductKnowledge& knowledge = *set.add_products();
  *knowledge.mutable_product() = Dress();
  knowledge.mutable_product()->set_id("sku-3-0001");
  knowledge.set_shipping_info("48小时内发货");
  v1::SetRoomKnowledgeResponse set_response;
  grpc::ClientContext set_context;
  ASSERT_TRUE(stub_->SetRoomKnowledge(&set_context, set, &set_response).ok());
  EXPECT_EQ(set_response.room().knowledge_version(), 1);
  EXPECT_EQ(set_response.room().current_product_id(), "sku-3-0001");

  v1::GetRoomKnowledgeRequest get;
  get.set_room_id("room-1");
  v1::GetRoomKnowledgeResponse get_response;
  grpc::ClientContext get_context;
  ASSERT_TRUE(stub_->GetRoomKnowledge(&get_context, get, &get_response).ok());
  EXPECT_EQ(get_response.room().products(0).shipping_info(), "48小时内发货");
  EXPECT_EQ(get_response.metadata().request_id().size(), 32u);

  get.set_room_id("room-2");
  grpc::ClientContext missing_context;
  EXPECT_EQ(stub_->GetRoomKnowledge(&missing_context, get, &get_response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  set.set_room_id("bad room");
  grpc::ClientContext bad_context;
  const grpc::Status bad = stub_->SetRoomKnowledge(&bad_context, set, &set_response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("room_id"));
}

}  // namespace
}  // namespace aigc::copywriter
