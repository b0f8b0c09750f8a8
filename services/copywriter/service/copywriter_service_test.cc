#include "services/copywriter/service/copywriter_service.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/copywriter/service/test_server.h"

namespace aigc::copywriter {
namespace {

using ::testing::HasSubstr;

class CopywriterServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestCopywriterServer::Start(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void PublishTinyModel() { ASSERT_TRUE(server_->PublishTinyModel().ok()); }

  static v1::GenerateCopyRequest Request(int n = 1) {
    v1::GenerateCopyRequest request;
    *request.mutable_product() = TestDress();
    request.set_n(n);
    request.mutable_sampling()->set_max_tokens(12);
    request.mutable_sampling()->set_seed(7);
    return request;
  }

  grpc::Status Generate(const v1::GenerateCopyRequest& request,
                        v1::GenerateCopyResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub().GenerateCopy(&context, request, response);
  }

  v1::CopywriterService::Stub& stub() { return server_->stub(); }

  std::unique_ptr<TestCopywriterServer> server_;
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
  auto reader = stub().StreamCopy(&context, request);
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
  auto reader = stub().StreamCopy(&context, request);
  v1::StreamCopyResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CopywriterServiceTest, RoomKnowledgeIsStoredVersionedAndReadBack) {
  v1::SetRoomKnowledgeRequest set;
  set.set_room_id("room-1");
  v1::ProductKnowledge& knowledge = *set.add_products();
  *knowledge.mutable_product() = TestDress();
  knowledge.mutable_product()->set_id("sku-3-0001");
  knowledge.set_shipping_info("48小时内发货");
  v1::SetRoomKnowledgeResponse set_response;
  grpc::ClientContext set_context;
  ASSERT_TRUE(stub().SetRoomKnowledge(&set_context, set, &set_response).ok());
  EXPECT_EQ(set_response.room().knowledge_version(), 1);
  EXPECT_EQ(set_response.room().current_product_id(), "sku-3-0001");

  v1::GetRoomKnowledgeRequest get;
  get.set_room_id("room-1");
  v1::GetRoomKnowledgeResponse get_response;
  grpc::ClientContext get_context;
  ASSERT_TRUE(stub().GetRoomKnowledge(&get_context, get, &get_response).ok());
  EXPECT_EQ(get_response.room().products(0).shipping_info(), "48小时内发货");
  EXPECT_EQ(get_response.metadata().request_id().size(), 32u);

  get.set_room_id("room-2");
  grpc::ClientContext missing_context;
  EXPECT_EQ(stub().GetRoomKnowledge(&missing_context, get, &get_response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  set.set_room_id("bad room");
  grpc::ClientContext bad_context;
  const grpc::Status bad = stub().SetRoomKnowledge(&bad_context, set, &set_response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("room_id"));
}

}  // namespace
}  // namespace aigc::copywriter
