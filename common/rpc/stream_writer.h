// The write side of a callback-API server stream (grpc::ServerWriteReactor
// or grpc::ServerBidiReactor). gRPC allows one write in flight per call, while
// a streaming handler produces messages on several threads (a decoding
// thread, the reader, timers): StreamWriter queues them, writes them in
// order, and finishes the call only once everything queued is written.
//
//   class Stream : public grpc::ServerWriteReactor<Message> {
//     StreamWriter<grpc::ServerWriteReactor<Message>, Message> writer_{this};
//     void OnWriteDone(bool ok) override { writer_.OnWriteDone(ok); }
//   };
//
// Thread-safe. After the call is finished the reactor may be deleted at any
// time (OnDone), so nothing may use the writer then.
#ifndef AIGC_COMMON_RPC_STREAM_WRITER_H_
#define AIGC_COMMON_RPC_STREAM_WRITER_H_

#include <deque>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/status.h"

namespace aigc::rpc {

template <typename Reactor, typename Message>
class StreamWriter {
 public:
  // `held`: nothing is written until Release() (e.g. a header queued before
  // the work that produces the next messages is accepted).
  explicit StreamWriter(Reactor* reactor, bool held = false) : reactor_(reactor), held_(held) {}

  // Queues `message`. Ignored once the queue is dropped or the call is
  // finishing.
  void Push(Message message) ABSL_LOCKS_EXCLUDED(mu_) {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (!dropped_ && !final_status_.has_value()) pending_.push_back(std::move(message));
    });
  }

  // Push, except that when the last message still queued (not yet being
  // written) can absorb `message`, `merge(last, message)` does so and returns
  // true: e.g. consecutive text deltas of one stream become one message while
  // the client is busy reading, so a loaded server writes fewer, larger
  // messages and an idle one still writes each at once.
  template <typename Merge>
  void PushOrMerge(Message message, Merge merge) ABSL_LOCKS_EXCLUDED(mu_) {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (dropped_ || final_status_.has_value()) return;
      if (!pending_.empty() && merge(pending_.back(), message)) return;
      pending_.push_back(std::move(message));
    });
  }

  // Starts writing; see the constructor.
  void Release() ABSL_LOCKS_EXCLUDED(mu_) {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { held_ = false; });
  }

  // Forward the reactor's OnWriteDone here. !ok means the client is gone: the
  // queue is dropped.
  void OnWriteDone(bool ok) ABSL_LOCKS_EXCLUDED(mu_) {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      writing_ = false;
      if (!ok) DropLocked();
    });
  }

  // Drops what is queued and ignores later pushes (a write in flight still
  // completes): the stream ends without its remaining messages.
  void Drop() ABSL_LOCKS_EXCLUDED(mu_) {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { DropLocked(); });
  }

  // Finishes the call with `status` once everything queued is written (at
  // once when nothing is). Later calls are ignored.
  void Finish(grpc::Status status) ABSL_LOCKS_EXCLUDED(mu_) {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (!final_status_.has_value()) final_status_ = std::move(status);
    });
  }

 private:
  void DropLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    dropped_ = true;
    pending_.clear();
  }

  // Runs `change` under the lock, then starts the next write, or finishes
  // the call once the queue is empty. Finish is called after the lock is
  // released: from then on OnDone may delete the reactor, and this with it.
  template <typename Change>
  void Update(Change change) ABSL_LOCKS_EXCLUDED(mu_) {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      change();
      if (held_ || writing_ || finished_) return;
      if (!pending_.empty()) {
        current_ = std::move(pending_.front());
        pending_.pop_front();
        writing_ = true;
        reactor_->StartWrite(&current_);
      } else if (final_status_.has_value()) {
        finished_ = true;
        finish = *final_status_;
      }
    }
    if (finish.has_value()) reactor_->Finish(*std::move(finish));
  }

  Reactor* const reactor_;
  absl::Mutex mu_;
  std::deque<Message> pending_ ABSL_GUARDED_BY(mu_);
  Message current_ ABSL_GUARDED_BY(mu_);  // the write in flight
  bool held_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool dropped_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> final_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace aigc::rpc

#endif  // AIGC_COMMON_RPC_STREAM_WRITER_H_
