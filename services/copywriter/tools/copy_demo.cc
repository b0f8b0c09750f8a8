// aigc-copy-demo: shows a running aigc-copywriter's uses: product copy for a
// demo-catalogue product in two channels and styles (GenerateCopy, with the
// fact checker's and the compliance filter's reports), English copy streamed
// as it is written (StreamCopy), and a live-room Q&A session (LiveQA) with a
// burst of repeated questions, a complaint handed to the host and a product
// switch.
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/catalog/generator.h"
#include "common/cli/cli.h"
#include "common/rpc/client_context.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "host:port of aigc-copywriter.");
ABSL_FLAG(std::string, product_id, "sku-3-0001",
          "Demo-catalogue product to write about (sku-3-0001: a dress).");
ABSL_FLAG(std::string, switch_to, "sku-4-0001",
          "Demo-catalogue product the live session switches to (sku-4-0001: a coat).");
ABSL_FLAG(uint64_t, seed, 1, "Sampling seed (same seed, same text).");

namespace aigc::copywriter {
namespace {

namespace common = aigc::common::v1;

// Deadline of each call to the service.
constexpr absl::Duration kCallTimeout = absl::Seconds(60);

v1::GenerateCopyRequest Request(v1::CopyStyle style, v1::Channel channel,
                                common::Language language) {
  v1::GenerateCopyRequest request;
  request.set_product_id(absl::GetFlag(FLAGS_product_id));
  request.set_style(style);
  request.set_channel(channel);
  request.set_language(language);
  request.mutable_sampling()->set_seed(absl::GetFlag(FLAGS_seed));
  return request;
}

void Show(v1::CopywriterService::Stub& stub, const char* title, v1::GenerateCopyRequest request) {
  request.set_n(2);
  v1::GenerateCopyResponse response;
  const grpc::Status status =
      stub.GenerateCopy(rpc::ContextWithTimeout(kCallTimeout).get(), request, &response);
  if (!status.ok()) cli::ExitWithReason(absl::StrCat("GenerateCopy: ", status.error_message()));
  std::printf("\n%s (model %s v%s, best of 2):\n", title, response.model().name().c_str(),
              response.model().version().c_str());
  if (response.candidates_size() == 0) {
    std::printf("  both candidates dropped by the compliance filter\n");
    return;
  }
  const v1::CopyCandidate& best = response.candidates(0);
  std::printf("%s\n  [%s · score %.3f · facts: %d checked, %d repaired, %d removed · ad-law "
              "findings: %d]\n",
              best.text().c_str(), best.aigc_label().label_text().c_str(), best.score(),
              best.grounding().facts_checked(), best.grounding().facts_repaired(),
              best.grounding().facts_unsupported(), best.compliance().findings_size());
}

using LiveStream = grpc::ClientReaderWriter<v1::LiveQARequest, v1::LiveQAResponse>;

void Ask(LiveStream& stream, const std::string& id, const std::string& text) {
  v1::LiveQARequest request;
  request.mutable_question()->set_question_id(id);
  request.mutable_question()->set_viewer_id(absl::StrCat("viewer-", id));
  request.mutable_question()->set_text(text);
  std::printf("  %s> %s\n", id.c_str(), text.c_str());
  if (!stream.Write(request)) cli::ExitWithReason("LiveQA: the stream broke");
}

// Prints the session's events until every question in `pending` has been
// answered, merged into another's reply or rejected.
void ShowReplies(LiveStream& stream, std::set<std::string> pending) {
  v1::LiveQAResponse message;
  while (!pending.empty() && stream.Read(&message)) {
    if (message.has_reply_started()) {
      const v1::ReplyStarted& started = message.reply_started();
      std::printf("  %s: intent %s (%.2f), product %s%s", started.question_id().c_str(),
                  v1::Intent_Name(started.intent()).c_str(), started.intent_confidence(),
                  started.product_id().c_str(),
                  started.hand_off_to_human() ? ", handed to the host" : "");
      for (const std::string& merged : started.coalesced_question_ids()) {
        std::printf(", answers %s too", merged.c_str());
        pending.erase(merged);
      }
      std::printf("\n");
    } else if (message.has_reply_finished()) {
      const v1::ReplyFinished& finished = message.reply_finished();
      const auto millis = [](const google::protobuf::Duration& d) {
        return d.seconds() * 1000.0 + d.nanos() / 1e6;
      };
      std::printf("  %s< %s  [first text after %.0f ms, done after %.0f ms; facts: %d checked, "
                  "%d repaired]\n",
                  finished.question_id().c_str(), finished.text().c_str(),
                  millis(finished.time_to_first_token()), millis(finished.total_latency()),
                  finished.grounding().facts_checked(), finished.grounding().facts_repaired());
      pending.erase(finished.question_id());
    } else if (message.has_question_rejected()) {
      const v1::QuestionRejected& rejected = message.question_rejected();
      std::printf("  %s rejected: %s\n", rejected.question_id().c_str(),
                  rejected.status().message().c_str());
      pending.erase(rejected.question_id());
    } else if (message.has_product_switched()) {
      std::printf("  now presenting %s (knowledge version %lld)\n",
                  message.product_switched().product_id().c_str(),
                  static_cast<long long>(message.product_switched().knowledge_version()));
    }
  }
}

// Sets up a live room with the demo catalogue's knowledge of two products and
// runs a short session.
void ShowLiveSession(v1::CopywriterService::Stub& stub) {
  const std::string first = absl::GetFlag(FLAGS_product_id);
  const std::string second = absl::GetFlag(FLAGS_switch_to);
  v1::SetRoomKnowledgeRequest room;
  room.set_room_id("demo-room");
  for (const auto& product : cli::ValueOrExit(catalog::GenerateCatalog({.seed = 42}))) {
    if (product.id() == first || product.id() == second) {
      *room.add_products() = catalog::MakeKnowledge(product, 42);
    }
  }
  room.set_current_product_id(first);
  v1::SetRoomKnowledgeResponse room_response;
  const grpc::Status set =
      stub.SetRoomKnowledge(rpc::ContextWithTimeout(kCallTimeout).get(), room, &room_response);
  if (!set.ok()) cli::ExitWithReason(absl::StrCat("SetRoomKnowledge: ", set.error_message()));

  std::printf("\nLiveQA, room demo-room presenting %s:\n", first.c_str());
  auto context = rpc::ContextWithTimeout(kCallTimeout);
  std::unique_ptr<LiveStream> stream = stub.LiveQA(context.get());
  v1::LiveQARequest start;
  start.mutable_start()->set_room_id("demo-room");
  start.mutable_start()->mutable_sampling()->set_seed(absl::GetFlag(FLAGS_seed));
  v1::LiveQAResponse message;
  if (!stream->Write(start) || !stream->Read(&message) || !message.has_session_started()) {
    cli::ExitWithReason(absl::StrCat("LiveQA: ", stream->Finish().error_message()));
  }
  // Viewers asking the same thing at once: the room answers two at a time,
  // so repeats that arrive meanwhile are merged into one reply.
  const std::vector<std::pair<std::string, std::string>> burst = {
      {"q1", "这件多少钱？"}, {"q2", "有优惠券吗"},   {"q3", "什么时候发货呀"},
      {"q4", "什么时候发货"}, {"q5", "什么时候发货？"}};
  std::set<std::string> pending;
  for (const auto& [id, text] : burst) {
    Ask(*stream, id, text);
    pending.insert(id);
  }
  ShowReplies(*stream, pending);
  Ask(*stream, "q6", "上次买的开线了，怎么处理");
  ShowReplies(*stream, {"q6"});

  v1::LiveQARequest switch_product;
  switch_product.mutable_switch_product()->set_product_id(second);
  if (!stream->Write(switch_product)) cli::ExitWithReason("LiveQA: the stream broke");
  Ask(*stream, "q7", "这件多少钱？");
  ShowReplies(*stream, {"q7"});
  stream->WritesDone();
  while (stream->Read(&message)) {
  }
  const grpc::Status status = stream->Finish();
  if (!status.ok()) cli::ExitWithReason(absl::StrCat("LiveQA: ", status.error_message()));
}

int Main() {
  auto stub = v1::CopywriterService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  Show(*stub, "详情页 · 简洁",
       Request(v1::COPY_STYLE_CONCISE, v1::CHANNEL_DETAIL_PAGE, common::LANGUAGE_ZH));
  Show(*stub, "社交媒体 · 活泼",
       Request(v1::COPY_STYLE_LIVELY, v1::CHANNEL_SOCIAL_POST, common::LANGUAGE_ZH));

  std::printf("\nStreamCopy, English e-mail, as it is written:\n");
  v1::StreamCopyRequest stream_request;
  stream_request.ParseFromString(
      Request(v1::COPY_STYLE_PREMIUM, v1::CHANNEL_EMAIL, common::LANGUAGE_EN).SerializeAsString());
  auto context = rpc::ContextWithTimeout(kCallTimeout);
  auto reader = stub->StreamCopy(context.get(), stream_request);
  v1::StreamCopyResponse message;
  int deltas = 0;
  while (reader->Read(&message)) {
    if (message.has_delta()) {
      std::printf("%s", message.delta().text().c_str());
      std::fflush(stdout);
      ++deltas;
    } else if (message.has_candidate_finished() &&
               message.candidate_finished().text_differs_from_deltas()) {
      std::printf("\n  [final text after checks]\n%s",
                  message.candidate_finished().candidate().text().c_str());
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) cli::ExitWithReason(absl::StrCat("StreamCopy: ", status.error_message()));
  std::printf("\n  [%d deltas]\n", deltas);
  ShowLiveSession(*stub);
  return 0;
}

}  // namespace
}  // namespace aigc::copywriter

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Shows a running aigc-copywriter writing product copy, unary and "
                        "streamed, and answering a live room's questions.\nUsage: aigc-copy-demo "
                        "[--target=127.0.0.1:50052] [--product_id=sku-3-0001] "
                        "[--switch_to=sku-4-0001]");
  return aigc::copywriter::Main();
}
