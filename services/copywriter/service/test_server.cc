#include "services/copywriter/service/test_server.h"

#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/catalog/generator.h"
#include "common/status/status.h"
#include "services/copywriter/grounding/catalog_lexicon.h"
#include "services/copywriter/lm/language_model.h"
#include "services/copywriter/model/copy_model.h"
#include "services/copywriter/service/live_qa.h"
#include "services/copywriter/tokenizer/tokenizer.h"

namespace aigc::copywriter {

namespace fs = std::filesystem;

common::v1::Product TestDress() {
  common::v1::Product product;
  product.set_title("法式碎花雪纺连衣裙");
  product.set_category(common::v1::CATEGORY_DRESS);
  product.set_material("雪纺");
  product.add_colors("米白");
  product.add_sizes(std::string("M"));  // add_sizes("M") trips g++ 12 -Wrestrict
  product.mutable_price()->set_amount_minor(19900);
  product.mutable_price()->set_currency_code("CNY");
  return product;
}

absl::StatusOr<std::unique_ptr<TestCopywriterServer>> TestCopywriterServer::Start(
    const std::string& name, TestServerOptions options) {
  std::unique_ptr<TestCopywriterServer> server(new TestCopywriterServer());
  server->root_ = fs::temp_directory_path() / absl::StrCat("copywriter_test_server_", name);
  fs::remove_all(server->root_);
  fs::create_directories(server->root_);
  AIGC_ASSIGN_OR_RETURN(server->models_,
                        runtime::ModelRepository::Create(
                            {.root = server->root_}, &server->inference_metrics_, LoadCopyModel));
  server->scheduler_ = std::make_unique<DecodeScheduler>(options.scheduler);
  AIGC_ASSIGN_OR_RETURN(server->compliance_, copy_compliance::DefaultComplianceFilter());
  AIGC_ASSIGN_OR_RETURN(server->facts_,
                        copy_grounding::FactChecker::Create(copy_grounding::CatalogFactLexicon()));
  // A small demo catalogue is enough for the template questions of the tests.
  AIGC_ASSIGN_OR_RETURN(const std::vector<common::v1::Product> demo,
                        catalog::GenerateCatalog({.seed = 42, .products_per_category = 6}));
  AIGC_ASSIGN_OR_RETURN(server->intents_, TrainDemoIntentClassifier(demo, 42));
  common::v1::Product listed = TestDress();
  listed.set_id(kTestProductId);
  server->catalogue_[listed.id()] = listed;
  server->rooms_ = std::make_unique<copy_live::RoomRegistry>(copy_live::RoomRegistryOptions{
      .catalog = [catalogue = &server->catalogue_](
                     absl::string_view id) -> std::optional<common::v1::Product> {
        const auto it = catalogue->find(id);
        if (it == catalogue->end()) return std::nullopt;
        return it->second;
      }});
  AIGC_ASSIGN_OR_RETURN(
      server->service_,
      CopywriterServiceImpl::Create(
          {.models = server->models_.get(),
           .scheduler = server->scheduler_.get(),
           .checks = {.compliance = server->compliance_.get(), .facts = server->facts_.get()},
           .catalogue = &server->catalogue_,
           .rooms = server->rooms_.get(),
           .intents = server->intents_.get()},
          options.live, server->registry_));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr) return absl::UnavailableError("the test server did not start");
  server->stub_ = v1::CopywriterService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  return server;
}

TestCopywriterServer::~TestCopywriterServer() {
  service_->Drain();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  scheduler_.reset();  // before the service, whose sessions its jobs call back
  fs::remove_all(root_);
}

absl::Status TestCopywriterServer::PublishTinyModel() {
  AIGC_ASSIGN_OR_RETURN(const Tokenizer tokenizer,
                        TrainBpe({"连衣裙 雪纺 米白 199元 价格 材质 颜色 尺码 库存 发货 多少钱",
                                  "dress chiffon price"},
                                 {.vocab_size = 400, .special_tokens = CopySpecialTokens()}));
  AIGC_ASSIGN_OR_RETURN(const std::unique_ptr<copy_lm::LanguageModel> lm,
                        copy_lm::LanguageModel::Create({.vocab_size = tokenizer.vocab_size(),
                                                        .context_length = 512,
                                                        .d_model = 16,
                                                        .num_layers = 1,
                                                        .num_heads = 2,
                                                        .d_ff = 32},
                                                       runtime::Device::kCpu, /*init_seed=*/5));
  AIGC_RETURN_IF_ERROR(PublishCopyModel(root_, *lm, tokenizer, {.created_by = "test"}).status());
  return models_->AddModel(kCopyModelName);
}

const CopyModel* TestCopywriterServer::model() const {
  const std::shared_ptr<const runtime::LoadedModel> loaded = models_->Get(kCopyModelName);
  return loaded == nullptr ? nullptr : AsCopyModel(*loaded);
}

}  // namespace aigc::copywriter
