#include "services/imagegen/service/imagegen_service.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "common/server/server.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/gan/generator_model.h"
#include "services/imagegen/png/png_codec.h"

// The server library reads --port and --metrics_port; the binary defines them.
AIGC_DEFINE_PORT_FLAGS(0, 0);

namespace aigc::imagegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// The real service on a loopback port, serving the committed generator
// (models/imagegen-generator) or, with an empty repository, none.
class ImageGenServer {
 public:
  explicit ImageGenServer(const fs::path& repository) {
    RegisterGeneratorArchitecture();
    server::ServingOptions options;
    options.drain_timeout = absl::Seconds(5);
    server_ = *server::Server::Create("imagegen-test", options);
    models_ = *runtime::ModelRepository::Create({.root = repository}, &metrics_);
    (void)models_->AddModel(kGeneratorModelName);  // may have no version
    pipeline_ = *ImagePipeline::Create(kGeneratorModelName,
                                       [this] { return models_->Get(kGeneratorModelName); }, {},
                                       &metrics_, TrainingIndex(), {});
    const std::string name = v1::ImageGenService::service_full_name();
    service_ = std::make_unique<ImageGenServiceImpl>(
        ImageGenDeps{.models = models_.get(),
                     .model_name = kGeneratorModelName,
                     .pipeline = pipeline_.get(),
                     .set_serving =
                         [this, name](bool serving) { server_->SetServiceServing(name, serving); },
                     .health_poll_interval = absl::Milliseconds(20)},
        server_->metrics_registry());
    server_->AddService(service_.get(), name);
    EXPECT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ImageGenService::NewStub(channel_);
  }
  ~ImageGenServer() {
    server_->Shutdown();
    service_.reset();
    pipeline_.reset();
  }

  // Loaded once: the index of the 60,000 training images.
  static const NearDuplicateIndex* TrainingIndex() {
    static const NearDuplicateIndex* index = [] {
      auto train = LoadFashionMnist(kFashionMnistDir, Split::kTrain);
      EXPECT_TRUE(train.ok()) << train.status();
      return new NearDuplicateIndex(*train);
    }();
    return index;
  }

  v1::ImageGenService::Stub& stub() { return *stub_; }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health() {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(v1::ImageGenService::service_full_name());
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status =
        grpc::health::v1::Health::NewStub(channel_)->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

 private:
  prometheus::Registry registry_;
  runtime::InferenceMetrics metrics_{registry_};
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<runtime::ModelRepository> models_;
  std::unique_ptr<ImagePipeline> pipeline_;
  std::unique_ptr<ImageGenServiceImpl> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ImageGenService::Stub> stub_;
};

v1::GenerateRequest Request(common::v1::Category category, int count, uint64_t seed) {
  v1::GenerateRequest request;
  request.set_category(category);
  request.set_count(count);
  request.set_seed(seed);
  return request;
}

grpc::Status Generate(ImageGenServer& server, const v1::GenerateRequest& request,
                      v1::GenerateResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return server.stub().Generate(&context, request, response);
}

std::map<std::string, std::string> TextsOf(const DecodedPng& png) {
  std::map<std::string, std::string> texts;
  for (const PngText& text : png.texts) texts[text.keyword] = text.text;
  return texts;
}

class ImageGenServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ImageGenServer(AIGC_MODELS_DIR); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ImageGenServer* server_;
};
ImageGenServer* ImageGenServiceTest::server_ = nullptr;

TEST_F(ImageGenServiceTest, GenerateReturnsLabelledPngsOfTheRequestedSize) {
  v1::GenerateRequest request = Request(common::v1::CATEGORY_ANKLE_BOOT, 3, 42);
  request.set_size(v1::SIZE_112);
  v1::GenerateResponse response;
  const grpc::Status status = Generate(*server_, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.images_size(), 3);
  EXPECT_EQ(response.model().name(), kGeneratorModelName);
  EXPECT_FALSE(response.metadata().request_id().empty());
  for (int i = 0; i < 3; ++i) {
    const v1::GeneratedImage& image = response.images(i);
    EXPECT_EQ(image.index(), i);
    EXPECT_EQ(image.width(), 112);
    EXPECT_EQ(image.category(), common::v1::CATEGORY_ANKLE_BOOT);
    EXPECT_EQ(image.truncation(), 2.0f);
    if (image.regenerated_count() == 0) {
      EXPECT_EQ(image.seed(), 42u + i);
    }
    auto png = DecodePng(image.data());
    ASSERT_TRUE(png.ok()) << png.status();
    EXPECT_EQ(png->image.width, 112);
    EXPECT_EQ(png->image.height, 112);
    auto texts = TextsOf(*png);
    EXPECT_EQ(texts["AIGC"], "AI-generated");
    EXPECT_EQ(texts["Model"], absl::StrCat(kGeneratorModelName, "/", image.model().version()));
    EXPECT_EQ(texts["Seed"], absl::StrCat(image.seed()));
    EXPECT_EQ(texts["Generator"], "aigc.imagegen.v1.ImageGenService");
    EXPECT_TRUE(image.aigc_label().ai_generated());
    EXPECT_EQ(texts["Content-ID"], image.aigc_label().content_id());
  }
}

TEST_F(ImageGenServiceTest, TheSameSeedDrawsTheSamePixelsUnaryOrStreamed) {
  v1::GenerateResponse first, second;
  ASSERT_TRUE(Generate(*server_, Request(common::v1::CATEGORY_DRESS, 4, 7), &first).ok());
  ASSERT_TRUE(Generate(*server_, Request(common::v1::CATEGORY_DRESS, 4, 7), &second).ok());
  v1::GenerateResponse other;
  ASSERT_TRUE(Generate(*server_, Request(common::v1::CATEGORY_DRESS, 4, 8), &other).ok());

  v1::GenerateStreamRequest stream_request;
  ASSERT_TRUE(stream_request.ParseFromString(
      Request(common::v1::CATEGORY_DRESS, 4, 7).SerializeAsString()));
  grpc::ClientContext context;
  auto reader = server_->stub().GenerateStream(&context, stream_request);
  std::map<int, std::vector<uint8_t>> streamed;
  v1::GenerateStreamResponse message;
  int messages = 0;
  while (reader->Read(&message)) {
    EXPECT_EQ(message.total_count(), 4);
    EXPECT_EQ(message.has_metadata(), messages == 0);
    streamed[message.image().index()] = DecodePng(message.image().data())->image.pixels;
    ++messages;
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(messages, 4);

  for (int i = 0; i < 4; ++i) {
    const auto pixels = DecodePng(first.images(i).data())->image.pixels;
    EXPECT_EQ(DecodePng(second.images(i).data())->image.pixels, pixels) << i;
    EXPECT_EQ(streamed[i], pixels) << i;
    EXPECT_EQ(second.images(i).seed(), first.images(i).seed());
    // Seed 8's image i is seed 7's image i + 1.
    if (i < 3) {
      EXPECT_EQ(DecodePng(other.images(i).data())->image.pixels,
                DecodePng(first.images(i + 1).data())->image.pixels)
          << i;
    }
  }
}

TEST_F(ImageGenServiceTest, BadRequestsAreInvalidArgumentNamingTheField) {
  struct Case {
    v1::GenerateRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({Request(common::v1::CATEGORY_UNSPECIFIED, 1, 1), "category"});
  cases.push_back({Request(static_cast<common::v1::Category>(11), 1, 1), "category"});
  cases.push_back({Request(common::v1::CATEGORY_BAG, 0, 1), "count"});
  cases.push_back({Request(common::v1::CATEGORY_BAG, 17, 1), "count"});
  v1::GenerateRequest bad_size = Request(common::v1::CATEGORY_BAG, 1, 1);
  bad_size.set_size(static_cast<v1::Size>(4));
  cases.push_back({bad_size, "size"});
  v1::GenerateRequest bad_truncation = Request(common::v1::CATEGORY_BAG, 1, 1);
  bad_truncation.set_truncation(0);
  cases.push_back({bad_truncation, "truncation"});
  for (const Case& c : cases) {
    v1::GenerateResponse response;
    const grpc::Status status = Generate(*server_, c.request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), HasSubstr(c.field + ":"));

    v1::GenerateStreamRequest stream_request;
    ASSERT_TRUE(stream_request.ParseFromString(c.request.SerializeAsString()));
    grpc::ClientContext context;
    auto reader = server_->stub().GenerateStream(&context, stream_request);
    v1::GenerateStreamResponse message;
    EXPECT_FALSE(reader->Read(&message));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
  }
}

TEST_F(ImageGenServiceTest, ListCategoriesNamesAllTen) {
  grpc::ClientContext context;
  v1::ListCategoriesResponse response;
  ASSERT_TRUE(server_->stub().ListCategories(&context, {}, &response).ok());
  ASSERT_EQ(response.categories_size(), 10);
  EXPECT_EQ(response.categories(9).name_en(), "Ankle boot");
  EXPECT_EQ(response.categories(9).fashion_mnist_label(), 9);
  EXPECT_TRUE(response.categories(0).available());
  EXPECT_EQ(response.max_count(), 16);
  EXPECT_EQ(response.model().name(), kGeneratorModelName);
  EXPECT_EQ(server_->Health(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST(ImageGenServiceWithoutModelTest, AnswersUnavailableAndHealthSaysNotServing) {
  const fs::path empty = fs::path(::testing::TempDir()) / "imagegen_no_model";
  fs::create_directories(empty);
  ImageGenServer server(empty);
  v1::GenerateResponse response;
  const grpc::Status status = Generate(server, Request(common::v1::CATEGORY_COAT, 1, 1), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(server.Health(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  grpc::ClientContext context;
  v1::ListCategoriesResponse categories;
  ASSERT_TRUE(server.stub().ListCategories(&context, {}, &categories).ok());
  EXPECT_FALSE(categories.categories(0).available());
  EXPECT_FALSE(categories.has_model());
  fs::remove_all(empty);
}

}  // namespace
}  // namespace aigc::imagegen
