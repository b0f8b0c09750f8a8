#include "services/imagegen/service/imagegen_service.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/catalog/vocabulary.h"
#include "common/rpc/request_context.h"
#include "common/rpc/stream_writer.h"
#include "common/rpc/unary_call.h"
#include "common/status/status.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/service/generate_request.h"
#include "services/imagegen/service/image_encoding.h"

namespace aigc::imagegen {

struct ImageGenServiceImpl::Prepared {
  std::string request_id;
  absl::Time received;
  absl::Time deadline;
  ImageSpec spec;
  common::v1::ModelRef model;
};

namespace {

common::v1::ModelRef RefOf(const runtime::LoadedModel& model) {
  common::v1::ModelRef ref;
  ref.set_name(model.name());
  ref.set_version(absl::StrCat(model.version()));
  return ref;
}

// The model version that drew an image (it can differ from the one serving
// when the request started, if a new version was swapped in meanwhile).
common::v1::ModelRef RefOf(const common::v1::ModelRef& serving, int64_t version) {
  common::v1::ModelRef ref = serving;
  ref.set_version(absl::StrCat(version));
  return ref;
}

}  // namespace

ImageGenServiceImpl::ImageGenServiceImpl(ImageGenDeps deps, prometheus::Registry& registry)
    : deps_(std::move(deps)),
      images_(prometheus::BuildCounter()
                  .Name("aigc_imagegen_images_total")
                  .Help("Images delivered, by outcome: novel (first draw passed the "
                        "near-duplicate check), regenerated (passed after redrawing), "
                        "near_duplicate (still too close to a training image after every "
                        "allowed redraw; flagged in the response)")
                  .Register(registry)) {
  for (const char* outcome : {"novel", "regenerated", "near_duplicate"}) {
    images_.Add({{"outcome", outcome}});
  }
  if (deps_.set_serving) health_watcher_ = std::thread([this] { WatchHealth(); });
}

ImageGenServiceImpl::~ImageGenServiceImpl() {
  stop_.Notify();
  if (health_watcher_.joinable()) health_watcher_.join();
}

void ImageGenServiceImpl::WatchHealth() {
  std::optional<bool> reported;
  do {
    const bool loaded = deps_.models->Get(deps_.model_name) != nullptr;
    if (reported != loaded) {
      deps_.set_serving(loaded);
      reported = loaded;
    }
  } while (!stop_.WaitForNotificationWithTimeout(deps_.health_poll_interval));
}

void ImageGenServiceImpl::CountImage(const v1::GeneratedImage& image) {
  const char* outcome = image.near_duplicate()          ? "near_duplicate"
                        : image.regenerated_count() > 0 ? "regenerated"
                                                        : "novel";
  images_.Add({{"outcome", outcome}}).Increment();
}

template <typename Request>
absl::StatusOr<ImageGenServiceImpl::Prepared> ImageGenServiceImpl::Prepare(
    grpc::CallbackServerContext* context, const Request& request) {
  Prepared prepared;
  prepared.received = absl::Now();
  AIGC_ASSIGN_OR_RETURN(prepared.request_id, rpc::ResolveRequestId(request.metadata()));
  context->AddInitialMetadata(rpc::kRequestIdHeader, prepared.request_id);
  AIGC_RETURN_IF_ERROR(rpc::CheckCallAlive(*context, prepared.received));
  prepared.deadline = rpc::DeadlineOf(*context);
  AIGC_ASSIGN_OR_RETURN(prepared.spec, ResolveImageSpec(request, rpc::RandomSeed()));
  const std::shared_ptr<const runtime::LoadedModel> model = deps_.models->Get(deps_.model_name);
  if (model == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("no version of the generator model \"", deps_.model_name, "\" is loaded"));
  }
  prepared.model = RefOf(*model);
  return prepared;
}

grpc::ServerUnaryReactor* ImageGenServiceImpl::Generate(grpc::CallbackServerContext* context,
                                                        const v1::GenerateRequest* request,
                                                        v1::GenerateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Prepared> prepared = Prepare(context, *request);
  if (!prepared.ok()) {
    rpc::LogIfServerFault("Generate", "", prepared.status());
    reactor->Finish(status::ToGrpcStatus(prepared.status()));
    return reactor;
  }
  // Filled by the pipeline's threads, in index order.
  struct Answer {
    Prepared prepared;
    absl::Mutex mu;
    std::vector<v1::GeneratedImage> images ABSL_GUARDED_BY(mu);
    absl::Status encoding ABSL_GUARDED_BY(mu);
  };
  auto answer = std::make_shared<Answer>();
  answer->prepared = *std::move(prepared);
  {
    absl::MutexLock lock(&answer->mu);
    answer->images.resize(answer->prepared.spec.count);
  }
  const Prepared& call = answer->prepared;
  deps_.pipeline->Start(call.spec, call.deadline,
                        {.on_image =
                             [this, answer](DrawnImage image) {
                               const Prepared& call = answer->prepared;
                               absl::StatusOr<v1::GeneratedImage> encoded = EncodeImage(
                                   image, call.spec, RefOf(call.model, image.model_version));
                               absl::MutexLock lock(&answer->mu);
                               if (!encoded.ok()) {
                                 answer->encoding.Update(encoded.status());
                                 return;
                               }
                               CountImage(*encoded);
                               answer->images[image.index] = *std::move(encoded);
                             },
                         .on_done =
                             [answer, reactor, response, context](absl::Status status) {
                               const Prepared& call = answer->prepared;
                               absl::MutexLock lock(&answer->mu);
                               if (status.ok()) status = answer->encoding;
                               if (status.ok()) status = rpc::CheckCallAlive(*context, absl::Now());
                               if (!status.ok()) {
                                 rpc::LogIfServerFault("Generate", call.request_id, status);
                                 reactor->Finish(status::ToGrpcStatus(status));
                                 return;
                               }
                               *response->mutable_model() = answer->images.front().model();
                               for (v1::GeneratedImage& image : answer->images) {
                                 *response->add_images() = std::move(image);
                               }
                               rpc::FillResponseMetadata(call.request_id, call.received,
                                                         absl::Now(), response->mutable_metadata());
                               reactor->Finish(grpc::Status::OK);
                             },
                         .is_cancelled = [context] { return context->IsCancelled(); }});
  return reactor;
}

// One GenerateStream call: each image is written as the pipeline delivers it.
// The reactor deletes itself in OnDone, which gRPC calls only after Finish,
// which is called only from the pipeline's last callback.
class ImageGenServiceImpl::ImageStream final
    : public grpc::ServerWriteReactor<v1::GenerateStreamResponse> {
 public:
  ImageStream(ImageGenServiceImpl* service, grpc::CallbackServerContext* context,
              const v1::GenerateStreamRequest& request)
      : service_(service), context_(context) {
    absl::StatusOr<Prepared> prepared = service->Prepare(context, request);
    if (!prepared.ok()) {
      rpc::LogIfServerFault("GenerateStream", "", prepared.status());
      writer_.Finish(status::ToGrpcStatus(prepared.status()));
      return;
    }
    prepared_ = *std::move(prepared);
    service->deps_.pipeline->Start(
        prepared_.spec, prepared_.deadline,
        {.on_image = [this](DrawnImage image) { Send(image); },
         .on_done = [this](absl::Status status) { End(std::move(status)); },
         .is_cancelled = [context] { return context->IsCancelled(); }});
  }

  // !ok: the client is gone; queued images are dropped.
  void OnWriteDone(bool ok) override { writer_.OnWriteDone(ok); }
  void OnDone() override { delete this; }

 private:
  // On a pipeline thread; calls may overlap.
  void Send(const DrawnImage& image) {
    absl::StatusOr<v1::GeneratedImage> encoded =
        EncodeImage(image, prepared_.spec, RefOf(prepared_.model, image.model_version));
    absl::MutexLock lock(&mu_);
    if (!encoded.ok()) {
      encoding_.Update(encoded.status());
      return;
    }
    service_->CountImage(*encoded);
    v1::GenerateStreamResponse message;
    if (!sent_first_) {
      rpc::FillResponseMetadata(prepared_.request_id, prepared_.received, absl::Now(),
                                message.mutable_metadata());
      sent_first_ = true;
    }
    *message.mutable_image() = *std::move(encoded);
    message.set_total_count(prepared_.spec.count);
    writer_.Push(std::move(message));  // under mu_: messages keep the order they were made in
  }

  void End(absl::Status status) {
    {
      absl::MutexLock lock(&mu_);
      if (status.ok()) status = encoding_;
    }
    if (status.ok()) status = rpc::CheckCallAlive(*context_, absl::Now());
    if (!status.ok()) rpc::LogIfServerFault("GenerateStream", prepared_.request_id, status);
    writer_.Finish(status::ToGrpcStatus(status));
  }

  ImageGenServiceImpl* const service_;
  grpc::CallbackServerContext* const context_;
  Prepared prepared_;
  absl::Mutex mu_;
  bool sent_first_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status encoding_ ABSL_GUARDED_BY(mu_);
  rpc::StreamWriter<grpc::ServerWriteReactor<v1::GenerateStreamResponse>,
                    v1::GenerateStreamResponse>
      writer_{this};
};

grpc::ServerWriteReactor<v1::GenerateStreamResponse>* ImageGenServiceImpl::GenerateStream(
    grpc::CallbackServerContext* context, const v1::GenerateStreamRequest* request) {
  return new ImageStream(this, context, *request);
}

grpc::ServerUnaryReactor* ImageGenServiceImpl::ListCategories(
    grpc::CallbackServerContext* context, const v1::ListCategoriesRequest* request,
    v1::ListCategoriesResponse* response) {
  return rpc::AnswerUnary(
      context, "ListCategories", request->metadata(), response->mutable_metadata(),
      [&](absl::Time) -> absl::Status {
        const std::shared_ptr<const runtime::LoadedModel> model =
            deps_.models->Get(deps_.model_name);
        for (int label = 0; label < kClasses; ++label) {
          const auto category = static_cast<common::v1::Category>(label + 1);
          v1::CategoryInfo& info = *response->add_categories();
          info.set_category(category);
          info.set_fashion_mnist_label(label);
          info.set_name_en(catalog::LocalizedName(category, common::v1::LANGUAGE_EN));
          info.set_name_zh(catalog::LocalizedName(category, common::v1::LANGUAGE_ZH));
          info.set_available(model != nullptr);
        }
        if (model != nullptr) *response->mutable_model() = RefOf(*model);
        response->set_max_count(kMaxImagesPerRequest);
        return absl::OkStatus();
      });
}

}  // namespace aigc::imagegen
