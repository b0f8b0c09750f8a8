// LiveQA over a real gRPC stream against the in-process server (untrained
// tiny model: reply texts are noise, the session's behaviour is real).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/copywriter/corpus/qa_composer.h"
#include "services/copywriter/service/test_server.h"

namespace aigc::copywriter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Stream = grpc::ClientReaderWriter<v1::LiveQARequest, v1::LiveQAResponse>;

// A live tool's side of one session.
class LiveClient {
 public:
  explicit LiveClient(v1::CopywriterService::Stub& stub) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    stream_ = stub.LiveQA(&context_);
  }

  bool Send(const v1::LiveQARequest& request) { return stream_->Write(request); }

  bool Start(const std::string& room_id, const std::string& product_id = "") {
    v1::LiveQARequest request;
    request.mutable_start()->set_room_id(room_id);
    if (!product_id.empty()) request.mutable_start()->set_product_id(product_id);
    return Send(request);
  }

  bool Ask(const std::string& question_id, const std::string& text,
           const std::string& viewer_id = "viewer-1") {
    v1::LiveQARequest request;
    request.mutable_question()->set_question_id(question_id);
    request.mutable_question()->set_viewer_id(viewer_id);
    request.mutable_question()->set_text(text);
    return Send(request);
  }

  bool Switch(const std::string& product_id) {
    v1::LiveQARequest request;
    request.mutable_switch_product()->set_product_id(product_id);
    return Send(request);
  }

  // The next server message; false once the stream has ended.
  bool Next(v1::LiveQAResponse* message) { return stream_->Read(message); }

  // Reads until a message for which `done` holds (returned), failing the
  // test if the stream ends first. Every message read is kept in `seen_`.
  template <typename Predicate>
  v1::LiveQAResponse ReadUntil(Predicate done) {
    v1::LiveQAResponse message;
    while (stream_->Read(&message)) {
      seen_.push_back(message);
      if (done(message)) return message;
    }
    ADD_FAILURE() << "the stream ended early";
    return {};
  }

  v1::LiveQAResponse ReadFinished(const std::string& question_id) {
    return ReadUntil([&](const v1::LiveQAResponse& m) {
      return (m.has_reply_finished() && m.reply_finished().question_id() == question_id) ||
             (m.has_question_rejected() && m.question_rejected().question_id() == question_id);
    });
  }

  // Half-closes, reads the rest and returns the final status.
  grpc::Status Close() {
    stream_->WritesDone();
    return Drain();
  }

  // Reads the rest and returns the final status.
  grpc::Status Drain() {
    v1::LiveQAResponse message;
    while (stream_->Read(&message)) seen_.push_back(message);
    return stream_->Finish();
  }

  // The concatenated ReplyDelta texts of a question, from what was read.
  std::string Streamed(const std::string& question_id) const {
    std::string text;
    for (const v1::LiveQAResponse& message : seen_) {
      if (message.has_reply_delta() && message.reply_delta().question_id() == question_id) {
        text += message.reply_delta().text();
      }
    }
    return text;
  }

  const std::vector<v1::LiveQAResponse>& seen() const { return seen_; }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<Stream> stream_;
  std::vector<v1::LiveQAResponse> seen_;
};

bool IsReplyStarted(const v1::LiveQAResponse& message, const std::string& question_id) {
  return message.has_reply_started() && message.reply_started().question_id() == question_id;
}

class LiveQaTest : public ::testing::Test {
 protected:
  void StartServer(TestServerOptions options = {}, bool with_model = true) {
    auto server = TestCopywriterServer::Start(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    if (with_model) {
      ASSERT_TRUE(server_->PublishTinyModel().ok());
    }
  }

  v1::CopywriterService::Stub& stub() { return server_->stub(); }

  // Freezes the decoding thread until Thaw(): a job whose first stop poll
  // waits, so jobs submitted meanwhile wait and the test decides when replies
  // can run.
  void FreezeDecoder() {
    auto frozen = std::make_shared<absl::Notification>();
    GenerationJob blocker{.model = server_->model(),
                          .request = {.prompt = {1, 2, 3}, .max_tokens = 4},
                          .on_done = [](auto) {},
                          .should_stop =
                              [frozen, this] {
                                frozen->Notify();
                                thawed_.WaitForNotification();
                                return true;
                              }};
    ASSERT_TRUE(server_->scheduler().Submit(std::move(blocker)).ok());
    frozen->WaitForNotification();
  }

  void Thaw() { thawed_.Notify(); }

  // A failed test must not leave the decoder frozen: the server's shutdown
  // waits for it.
  void TearDown() override {
    if (!thawed_.HasBeenNotified()) Thaw();
    server_.reset();
  }

  // Value of aigc_copywriter_live_questions_total{outcome}.
  double QuestionsCounted(const std::string& outcome) {
    for (const prometheus::MetricFamily& family : server_->registry().Collect()) {
      if (family.name != "aigc_copywriter_live_questions_total") continue;
      for (const prometheus::ClientMetric& metric : family.metric) {
        if (metric.label.size() == 1 && metric.label[0].value == outcome) {
          return metric.counter.value;
        }
      }
    }
    return 0;
  }

  // Polls QuestionsCounted(outcome) until it reaches `count` (at most 10 s).
  bool WaitForQuestions(const std::string& outcome, double count) {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (QuestionsCounted(outcome) < count) {
      if (absl::Now() > give_up) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  std::unique_ptr<TestCopywriterServer> server_;
  absl::Notification thawed_;
};

TEST_F(LiveQaTest, AQuestionGetsReplyStartedDeltasAndReplyFinished) {
  StartServer();
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  v1::LiveQAResponse message;
  ASSERT_TRUE(client.Next(&message));
  ASSERT_TRUE(message.has_session_started());
  const v1::SessionStarted& started = message.session_started();
  EXPECT_EQ(started.room_id(), "room-1");
  EXPECT_EQ(started.current_product_id(), kTestProductId);
  EXPECT_EQ(started.model().name(), "copywriter-lm");
  EXPECT_EQ(started.model().version(), "1");
  EXPECT_EQ(started.language(), common::v1::LANGUAGE_ZH);
  EXPECT_EQ(started.knowledge_version(), 1);
  EXPECT_EQ(started.session_id().size(), 32u);
  EXPECT_EQ(started.metadata().request_id().size(), 32u);

  ASSERT_TRUE(client.Ask("q1", "这件多少钱？"));
  const v1::LiveQAResponse first =
      client.ReadUntil([](const v1::LiveQAResponse& m) { return !m.has_reply_delta(); });
  ASSERT_TRUE(first.has_reply_started());
  EXPECT_EQ(first.reply_started().question_id(), "q1");
  EXPECT_EQ(first.reply_started().intent(), v1::INTENT_PRICE);
  EXPECT_GT(first.reply_started().intent_confidence(), 0.5f);
  EXPECT_FALSE(first.reply_started().hand_off_to_human());
  EXPECT_EQ(first.reply_started().product_id(), kTestProductId);
  EXPECT_THAT(first.reply_started().coalesced_question_ids(), IsEmpty());

  const v1::LiveQAResponse finished = client.ReadFinished("q1");
  ASSERT_TRUE(finished.has_reply_finished()) << finished.DebugString();
  const v1::ReplyFinished& reply = finished.reply_finished();
  EXPECT_EQ(reply.text_differs_from_deltas(), reply.text() != client.Streamed("q1"));
  EXPECT_NE(reply.finish_reason(), v1::FINISH_REASON_UNSPECIFIED);
  EXPECT_FALSE(reply.compliance().lexicon_version().empty());
  EXPECT_TRUE(reply.grounding().grounded());
  EXPECT_TRUE(reply.aigc_label().ai_generated());
  EXPECT_EQ(reply.aigc_label().model().name(), "copywriter-lm");
  const auto nanos = [](const google::protobuf::Duration& d) {
    return d.seconds() * 1'000'000'000 + d.nanos();
  };
  EXPECT_GT(nanos(reply.total_latency()), 0);
  EXPECT_LE(nanos(reply.time_to_first_token()), nanos(reply.total_latency()));

  const grpc::Status status = client.Close();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(QuestionsCounted("answered"), 1);
}

TEST_F(LiveQaTest, ComplaintsGetTheHostHandOffMessage) {
  StartServer();
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  ASSERT_TRUE(client.Ask("q1", "上次买的衣服开线了，怎么处理"));
  const v1::LiveQAResponse started =
      client.ReadUntil([](const v1::LiveQAResponse& m) { return IsReplyStarted(m, "q1"); });
  EXPECT_EQ(started.reply_started().intent(), v1::INTENT_COMPLAINT);
  EXPECT_TRUE(started.reply_started().hand_off_to_human());
  const v1::LiveQAResponse finished = client.ReadFinished("q1");
  EXPECT_EQ(finished.reply_finished().text(), copy_corpus::HandOffReply(common::v1::LANGUAGE_ZH));
  EXPECT_EQ(client.Streamed("q1"), finished.reply_finished().text());
  EXPECT_TRUE(client.Close().ok());
  EXPECT_EQ(QuestionsCounted("handed_off"), 1);
}

TEST_F(LiveQaTest, BadQuestionsAreRejectedInStreamAndTheSessionGoesOn) {
  StartServer();
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"q-empty", "   "},
      {"q-long", std::string(501, 'x')},
      {"bad id!", "多少钱"},
  };
  for (const auto& [id, text] : bad) ASSERT_TRUE(client.Ask(id, text));
  ASSERT_TRUE(client.Ask("q-ok", "这件多少钱"));
  ASSERT_TRUE(client.Ask("q-ok", "还有货吗"));  // the id again
  ASSERT_TRUE(client.Ask("q-anon", "多少钱", /*viewer_id=*/""));

  const auto rejection = [&](const std::string& id) {
    return client
        .ReadUntil([&](const v1::LiveQAResponse& m) {
          return m.has_question_rejected() && m.question_rejected().question_id() == id;
        })
        .question_rejected()
        .status();
  };
  for (const std::string id : {"q-empty", "q-long"}) {
    const common::v1::PartStatus status = rejection(id);
    EXPECT_EQ(status.code(), grpc::StatusCode::INVALID_ARGUMENT) << id;
    EXPECT_THAT(status.message(), HasSubstr("question.text")) << id;
  }
  EXPECT_THAT(rejection("bad id!").message(), HasSubstr("question.question_id"));
  const common::v1::PartStatus duplicate = rejection("q-ok");
  EXPECT_EQ(duplicate.code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(rejection("q-anon").message(), HasSubstr("question.viewer_id"));
  EXPECT_TRUE(client.ReadFinished("q-ok").has_reply_finished());
  EXPECT_TRUE(client.Close().ok());
}

TEST_F(LiveQaTest, StreamErrorsEndTheSessionWithTheRightCode) {
  StartServer();
  {
    LiveClient client(stub());
    ASSERT_TRUE(client.Ask("q1", "多少钱"));
    const grpc::Status status = client.Drain();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    LiveClient client(stub());
    ASSERT_TRUE(client.Start("room-1", kTestProductId));
    ASSERT_TRUE(client.Start("room-1", kTestProductId));
    EXPECT_EQ(client.Drain().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    LiveClient client(stub());
    ASSERT_TRUE(client.Start("room-1", "sku-unknown"));
    const grpc::Status status = client.Drain();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(status.error_message(), HasSubstr("start.product_id"));
  }
  {
    LiveClient client(stub());
    ASSERT_TRUE(client.Start("room with spaces", kTestProductId));
    const grpc::Status status = client.Drain();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("start.room_id"));
  }
  {
    LiveClient client(stub());
    v1::LiveQARequest start;
    start.mutable_start()->set_room_id("room-1");
    start.mutable_start()->mutable_sampling()->set_max_tokens(513);
    ASSERT_TRUE(client.Send(start));
    const grpc::Status status = client.Drain();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("start.sampling.max_tokens"));
  }
  {
    LiveClient client(stub());
    ASSERT_TRUE(client.Start("room-new"));  // no product anywhere
    const grpc::Status status = client.Drain();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("start.product"));
  }
}

TEST_F(LiveQaTest, WithoutAModelTheSessionIsUnavailable) {
  StartServer({}, /*with_model=*/false);
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  EXPECT_EQ(client.Drain().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(LiveQaTest, NearIdenticalQuestionsWaitingForAReplyAreCoalesced) {
  StartServer({.live = {.max_replies_per_session = 1}});
  FreezeDecoder();

  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  ASSERT_TRUE(client.Ask("q1", "这件多少钱"));
  // q1's reply holds the session's one slot (its job waits for the decoder).
  client.ReadUntil([](const v1::LiveQAResponse& m) { return IsReplyStarted(m, "q1"); });
  ASSERT_TRUE(client.Ask("q2", "有M码吗"));
  ASSERT_TRUE(client.Ask("q3", "有M码吗？？", "viewer-2"));
  ASSERT_TRUE(client.Ask("q4", "能机洗吗", "viewer-3"));
  ASSERT_TRUE(WaitForQuestions("coalesced", 1));
  Thaw();

  EXPECT_TRUE(client.ReadFinished("q1").has_reply_finished());
  const v1::LiveQAResponse merged =
      client.ReadUntil([](const v1::LiveQAResponse& m) { return IsReplyStarted(m, "q2"); });
  EXPECT_THAT(merged.reply_started().coalesced_question_ids(), ElementsAre("q3"));
  EXPECT_TRUE(client.ReadFinished("q2").has_reply_finished());
  EXPECT_TRUE(client.ReadFinished("q4").has_reply_finished());
  EXPECT_TRUE(client.Close().ok());
  for (const v1::LiveQAResponse& message : client.seen()) {
    EXPECT_FALSE(IsReplyStarted(message, "q3"));
    EXPECT_FALSE(message.has_question_rejected()) << message.DebugString();
  }
}

TEST_F(LiveQaTest, SwitchingProductsAnswersLaterQuestionsAboutTheNewOne) {
  StartServer();
  v1::SetRoomKnowledgeRequest set;
  set.set_room_id("room-1");
  for (const std::string id : {"sku-a", "sku-b"}) {
    v1::ProductKnowledge& knowledge = *set.add_products();
    *knowledge.mutable_product() = TestDress();
    knowledge.mutable_product()->set_id(id);
  }
  set.mutable_products(1)->mutable_product()->mutable_price()->set_amount_minor(59900);
  set.set_current_product_id("sku-a");
  {
    grpc::ClientContext context;
    v1::SetRoomKnowledgeResponse response;
    ASSERT_TRUE(stub().SetRoomKnowledge(&context, set, &response).ok());
  }

  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1"));  // keeps the room's current product
  const v1::LiveQAResponse started =
      client.ReadUntil([](const v1::LiveQAResponse& m) { return m.has_session_started(); });
  EXPECT_EQ(started.session_started().current_product_id(), "sku-a");
  ASSERT_TRUE(client.Ask("q1", "这件多少钱"));
  EXPECT_EQ(client.ReadUntil([](const auto& m) { return IsReplyStarted(m, "q1"); })
                .reply_started()
                .product_id(),
            "sku-a");

  ASSERT_TRUE(client.Switch("sku-b"));
  const v1::ProductSwitched switched =
      client.ReadUntil([](const auto& m) { return m.has_product_switched(); }).product_switched();
  EXPECT_EQ(switched.product_id(), "sku-b");
  EXPECT_EQ(switched.status().code(), 0);
  EXPECT_EQ(switched.knowledge_version(), 2);
  ASSERT_TRUE(client.Ask("q2", "现在多少钱"));
  EXPECT_EQ(client.ReadUntil([](const auto& m) { return IsReplyStarted(m, "q2"); })
                .reply_started()
                .product_id(),
            "sku-b");

  ASSERT_TRUE(client.Switch("sku-missing"));
  const v1::ProductSwitched refused =
      client.ReadUntil([](const auto& m) { return m.has_product_switched(); }).product_switched();
  EXPECT_EQ(refused.status().code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(refused.product_id(), "sku-b");
  EXPECT_EQ(refused.knowledge_version(), 2);

  // A change made outside the session reaches it too.
  set.set_current_product_id("sku-a");
  {
    grpc::ClientContext context;
    v1::SetRoomKnowledgeResponse response;
    ASSERT_TRUE(stub().SetRoomKnowledge(&context, set, &response).ok());
  }
  const v1::ProductSwitched pushed =
      client.ReadUntil([](const auto& m) { return m.has_product_switched(); }).product_switched();
  EXPECT_EQ(pushed.product_id(), "sku-a");
  EXPECT_EQ(pushed.knowledge_version(), 3);
  EXPECT_TRUE(client.Close().ok());
}

TEST_F(LiveQaTest, UpdateKnowledgeIsAcknowledgedWithTheNewVersion) {
  StartServer();
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  v1::LiveQARequest update;
  update.mutable_update_knowledge()
      ->mutable_knowledge()
      ->mutable_product()
      ->mutable_price()
      ->set_amount_minor(15900);
  update.mutable_update_knowledge()
      ->mutable_knowledge()
      ->mutable_product()
      ->mutable_price()
      ->set_currency_code("CNY");
  update.mutable_update_knowledge()->mutable_update_mask()->add_paths("product.price");
  ASSERT_TRUE(client.Send(update));
  const v1::KnowledgeUpdated updated =
      client.ReadUntil([](const auto& m) { return m.has_knowledge_updated(); }).knowledge_updated();
  EXPECT_EQ(updated.status().code(), 0);
  EXPECT_EQ(updated.product_id(), kTestProductId);
  EXPECT_EQ(updated.knowledge_version(), 2);

  update.mutable_update_knowledge()->mutable_update_mask()->set_paths(0, "product.no_such_field");
  ASSERT_TRUE(client.Send(update));
  const v1::KnowledgeUpdated refused =
      client.ReadUntil([](const auto& m) { return m.has_knowledge_updated(); }).knowledge_updated();
  EXPECT_EQ(refused.status().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.status().message(), HasSubstr("update_knowledge.update_mask"));
  EXPECT_EQ(refused.knowledge_version(), 2);
  EXPECT_TRUE(client.Close().ok());

  v1::GetRoomKnowledgeRequest get;
  get.set_room_id("room-1");
  grpc::ClientContext context;
  v1::GetRoomKnowledgeResponse room;
  ASSERT_TRUE(stub().GetRoomKnowledge(&context, get, &room).ok());
  EXPECT_EQ(room.room().products(0).product().price().amount_minor(), 15900);
}

TEST_F(LiveQaTest, ViewersOverTheirRateAreToldWhenToRetry) {
  StartServer({.live = {.viewer_questions_per_second = 0.1, .viewer_question_burst = 2}});
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  ASSERT_TRUE(client.Ask("q1", "多少钱"));
  ASSERT_TRUE(client.Ask("q2", "包邮吗"));
  ASSERT_TRUE(client.Ask("q3", "有M码吗"));
  const v1::QuestionRejected rejected =
      client.ReadUntil([](const auto& m) { return m.has_question_rejected(); }).question_rejected();
  EXPECT_EQ(rejected.question_id(), "q3");
  EXPECT_EQ(rejected.status().code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_GT(rejected.retry_after().seconds() * 1000 + rejected.retry_after().nanos() / 1'000'000,
            0);
  EXPECT_TRUE(client.Close().ok());
}

TEST_F(LiveQaTest, ANewSessionForTheRoomAbortsTheOlderOne) {
  StartServer();
  LiveClient older(stub());
  ASSERT_TRUE(older.Start("room-1", kTestProductId));
  older.ReadUntil([](const auto& m) { return m.has_session_started(); });
  LiveClient newer(stub());
  ASSERT_TRUE(newer.Start("room-1"));
  newer.ReadUntil([](const auto& m) { return m.has_session_started(); });
  const grpc::Status aborted = older.Drain();
  EXPECT_EQ(aborted.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(aborted.error_message(), HasSubstr("superseded"));
  ASSERT_TRUE(newer.Ask("q1", "多少钱"));
  EXPECT_TRUE(newer.ReadFinished("q1").has_reply_finished());
  EXPECT_TRUE(newer.Close().ok());
}

TEST_F(LiveQaTest, HalfClosingFinishesPendingRepliesFirst) {
  StartServer({.live = {.max_replies_per_session = 1}});
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  ASSERT_TRUE(client.Ask("q1", "多少钱"));
  ASSERT_TRUE(client.Ask("q2", "是什么面料", "viewer-2"));
  const grpc::Status status = client.Close();
  EXPECT_TRUE(status.ok()) << status.error_message();
  int finished = 0;
  for (const v1::LiveQAResponse& message : client.seen()) finished += message.has_reply_finished();
  EXPECT_EQ(finished, 2);
}

TEST_F(LiveQaTest, DrainFinishesTheReplyBeingWrittenAndRejectsLaterQuestions) {
  StartServer();
  FreezeDecoder();

  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  ASSERT_TRUE(client.Ask("q1", "这件多少钱"));
  client.ReadUntil([](const v1::LiveQAResponse& m) { return IsReplyStarted(m, "q1"); });
  server_->service().Drain();  // q1's reply is waiting for the frozen decoder
  // q2 is either read before the session stops reading (then rejected) or
  // never read; it must not hold the session open.
  ASSERT_TRUE(client.Ask("q2", "有M码吗", "viewer-2"));
  Thaw();
  EXPECT_TRUE(client.ReadFinished("q1").has_reply_finished());
  const grpc::Status status = client.Drain();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the copywriter is shutting down");
  for (const v1::LiveQAResponse& message : client.seen()) {
    EXPECT_FALSE(IsReplyStarted(message, "q2"));
    if (message.has_question_rejected()) {
      EXPECT_EQ(message.question_rejected().question_id(), "q2");
      EXPECT_EQ(message.question_rejected().status().code(), grpc::StatusCode::UNAVAILABLE);
    }
  }
}

TEST_F(LiveQaTest, DrainEndsSessionsWithUnavailableAndRefusesNewOnes) {
  StartServer();
  LiveClient client(stub());
  ASSERT_TRUE(client.Start("room-1", kTestProductId));
  client.ReadUntil([](const auto& m) { return m.has_session_started(); });
  server_->service().Drain();
  const grpc::Status status = client.Drain();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);

  LiveClient late(stub());
  ASSERT_TRUE(late.Start("room-2", kTestProductId));
  EXPECT_EQ(late.Drain().error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace aigc::copywriter
