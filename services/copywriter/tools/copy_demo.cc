// aigc-copy-demo: shows a running aigc-copywriter's uses: product copy for a
// demo-catalogue product in two channels and styles (GenerateCopy, with the
// fact checker's and the compliance filter's reports), then English copy
// streamed as it is written (StreamCopy).
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/cli/cli.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "host:port of aigc-copywriter.");
ABSL_FLAG(std::string, product_id, "sku-3-0001",
          "Demo-catalogue product to write about (sku-3-0001: a dress).");
ABSL_FLAG(uint64_t, seed, 1, "Sampling seed (same seed, same text).");

namespace aigc::copywriter {
namespace {

namespace common = aigc::common::v1;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  return context;
}

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
  const grpc::Status status = stub.GenerateCopy(Context().get(), request, &response);
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
  auto context = Context();
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
  return 0;
}

}  // namespace
}  // namespace aigc::copywriter

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Shows a running aigc-copywriter writing product copy, unary and "
                        "streamed.\nUsage: aigc-copy-demo [--target=127.0.0.1:50052] "
                        "[--product_id=sku-3-0001]");
  return aigc::copywriter::Main();
}
