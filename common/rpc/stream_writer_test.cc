#include "common/rpc/stream_writer.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::rpc {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Records what a reactor would be asked to do; the test completes writes.
struct FakeReactor {
  void StartWrite(const std::string* message) { started.push_back(*message); }
  void Finish(grpc::Status status) { finished = status; }

  std::vector<std::string> started;
  std::optional<grpc::Status> finished;
};

bool Concatenate(std::string& last, const std::string& next) {
  last += next;
  return true;
}

TEST(StreamWriterTest, WritesOneAtATimeInOrderAndFinishesAfterTheLast) {
  FakeReactor reactor;
  StreamWriter<FakeReactor, std::string> writer(&reactor);
  writer.Push("a");
  writer.Push("b");
  writer.Finish(grpc::Status::OK);
  EXPECT_THAT(reactor.started, ElementsAre("a"));  // "b" waits for "a"
  writer.OnWriteDone(true);
  EXPECT_THAT(reactor.started, ElementsAre("a", "b"));
  EXPECT_FALSE(reactor.finished.has_value());
  writer.OnWriteDone(true);
  ASSERT_TRUE(reactor.finished.has_value());
  EXPECT_TRUE(reactor.finished->ok());
  writer.Push("c");  // after Finish: ignored
  EXPECT_THAT(reactor.started, ElementsAre("a", "b"));
}

TEST(StreamWriterTest, QueuedMessagesMergeButTheOneBeingWrittenDoesNot) {
  FakeReactor reactor;
  StreamWriter<FakeReactor, std::string> writer(&reactor);
  writer.PushOrMerge("a", Concatenate);  // written at once
  writer.PushOrMerge("b", Concatenate);  // queued
  writer.PushOrMerge("c", Concatenate);  // merged into "b"
  writer.PushOrMerge("d", [](std::string&, const std::string&) { return false; });
  writer.OnWriteDone(true);
  writer.OnWriteDone(true);
  EXPECT_THAT(reactor.started, ElementsAre("a", "bc", "d"));
}

TEST(StreamWriterTest, AHeldWriterWaitsForRelease) {
  FakeReactor reactor;
  StreamWriter<FakeReactor, std::string> writer(&reactor, /*held=*/true);
  writer.Push("header");
  EXPECT_THAT(reactor.started, IsEmpty());
  writer.Release();
  EXPECT_THAT(reactor.started, ElementsAre("header"));
}

TEST(StreamWriterTest, DroppingOrAFailedWriteDiscardsTheQueue) {
  FakeReactor reactor;
  StreamWriter<FakeReactor, std::string> writer(&reactor);
  writer.Push("a");
  writer.Push("b");
  writer.OnWriteDone(false);  // the client is gone
  writer.Push("c");
  EXPECT_THAT(reactor.started, ElementsAre("a"));
  writer.Finish(grpc::Status::CANCELLED);
  ASSERT_TRUE(reactor.finished.has_value());
  EXPECT_EQ(reactor.finished->error_code(), grpc::StatusCode::CANCELLED);

  FakeReactor other;
  StreamWriter<FakeReactor, std::string> dropping(&other, /*held=*/true);
  dropping.Push("header");
  dropping.Drop();
  dropping.Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "full"));
  dropping.Release();
  EXPECT_THAT(other.started, IsEmpty());
  ASSERT_TRUE(other.finished.has_value());
  EXPECT_EQ(other.finished->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace aigc::rpc
