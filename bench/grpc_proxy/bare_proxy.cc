#include "bench/grpc_proxy/bare_proxy.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::bench {
namespace {

// One relayed call; its address is the completion-queue tag of every step.
struct RelayedCall {
  enum class Step { kAccepted, kRequestRead, kBackendAnswered, kFinished };

  grpc::GenericServerContext context;
  grpc::GenericServerAsyncReaderWriter caller{&context};
  grpc::ClientContext backend_context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> backend;
  grpc::ByteBuffer request, response;
  grpc::Status status;
  Step step = Step::kAccepted;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BareProxy>> BareProxy::Start(const std::string& address,
                                                            const std::string& backend,
                                                            int threads) {
  if (threads < 1 || threads > 64) return status::InvalidField("threads", "must be in 1..64");
  std::unique_ptr<BareProxy> proxy(new BareProxy());
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &proxy->port_);
  builder.RegisterAsyncGenericService(&proxy->service_);
  for (int i = 0; i < threads; ++i) proxy->queues_.push_back(builder.AddCompletionQueue());
  proxy->server_ = builder.BuildAndStart();
  if (proxy->server_ == nullptr || proxy->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address));
  }
  proxy->stub_ = std::make_unique<grpc::GenericStub>(
      grpc::CreateChannel(backend, grpc::InsecureChannelCredentials()));
  for (const auto& queue : proxy->queues_) {
    proxy->threads_.emplace_back([raw = proxy.get(), queue = queue.get()] { raw->Serve(queue); });
  }
  return proxy;
}

BareProxy::~BareProxy() {
  server_->Shutdown();
  for (const auto& queue : queues_) queue->Shutdown();
  for (std::thread& thread : threads_) thread.join();
}

void BareProxy::Serve(grpc::ServerCompletionQueue* queue) {
  using Step = RelayedCall::Step;
  const auto accept = [&] {
    auto* call = new RelayedCall;
    service_.RequestCall(&call->context, &call->caller, queue, queue, call);
  };
  accept();
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) {
    auto* call = static_cast<RelayedCall*>(tag);
    switch (call->step) {
      case Step::kAccepted:
        if (!ok) {  // shutting down
          delete call;
          break;
        }
        accept();
        call->step = Step::kRequestRead;
        call->caller.Read(&call->request, call);
        break;
      case Step::kRequestRead:
        if (!ok) {  // the caller went away before sending a message
          call->step = Step::kFinished;
          call->caller.Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request"), call);
          break;
        }
        call->step = Step::kBackendAnswered;
        call->backend_context.set_deadline(call->context.deadline());
        call->backend = stub_->PrepareUnaryCall(&call->backend_context, call->context.method(),
                                                call->request, queue);
        call->backend->StartCall();
        call->backend->Finish(&call->response, &call->status, call);
        break;
      case Step::kBackendAnswered:
        call->step = Step::kFinished;
        if (call->status.ok()) {
          call->caller.WriteAndFinish(call->response, grpc::WriteOptions(), grpc::Status::OK, call);
        } else {
          call->caller.Finish(call->status, call);
        }
        break;
      case Step::kFinished:
        delete call;
        break;
    }
  }
}

}  // namespace aigc::bench
