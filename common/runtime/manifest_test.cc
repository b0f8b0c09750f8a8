#include "common/runtime/manifest.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace aigc::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / absl::StrCat("manifest_test_", name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

ModelManifest ValidManifest() {
  ModelManifest manifest;
  manifest.set_name("scorer");
  manifest.set_version(1);
  manifest.set_format(v1::MODEL_FORMAT_TORCH_MODULE);
  manifest.set_architecture("mlp");
  manifest.set_weights_file("model.pt");
  manifest.set_sha256(std::string(64, 'a'));
  auto* input = manifest.add_inputs();
  input->set_name("features");
  input->set_dtype(v1::DATA_TYPE_FLOAT32);
  input->add_shape(4);
  auto* output = manifest.add_outputs();
  output->set_name("score");
  output->set_dtype(v1::DATA_TYPE_FLOAT32);
  output->add_shape(1);
  return manifest;
}

TEST(ManifestTest, ValidManifestPasses) { EXPECT_TRUE(ValidateManifest(ValidManifest()).ok()); }

TEST(ManifestTest, NativeFormatNeedsOnlyAnArchitectureName) {
  ModelManifest manifest = ValidManifest();
  manifest.set_format(v1::MODEL_FORMAT_NATIVE);
  manifest.set_architecture("rec_archive");
  EXPECT_TRUE(ValidateManifest(manifest).ok());
}

TEST(ManifestTest, EachInvalidFieldIsNamed) {
  struct Case {
    std::string field;
    std::function<void(ModelManifest&)> break_it;
  };
  const std::vector<Case> cases = {
      {"name", [](ModelManifest& m) { m.set_name("Bad Name"); }},
      {"version", [](ModelManifest& m) { m.set_version(0); }},
      {"format", [](ModelManifest& m) { m.set_format(v1::MODEL_FORMAT_UNSPECIFIED); }},
      {"architecture", [](ModelManifest& m) { m.clear_architecture(); }},
      {"architecture",
       [](ModelManifest& m) {
         m.set_format(v1::MODEL_FORMAT_NATIVE);
         m.clear_architecture();
       }},
      {"weights_file", [](ModelManifest& m) { m.set_weights_file("../elsewhere.pt"); }},
      {"weights_file", [](ModelManifest& m) { m.set_weights_file("manifest.json"); }},
      {"sha256", [](ModelManifest& m) { m.set_sha256("ABC"); }},
      {"inputs", [](ModelManifest& m) { m.clear_inputs(); }},
      {"inputs[0].dtype", [](ModelManifest& m) { m.mutable_inputs(0)->clear_dtype(); }},
      {"inputs[0].shape", [](ModelManifest& m) { m.mutable_inputs(0)->add_shape(-1); }},
      {"outputs[0].shape", [](ModelManifest& m) { m.mutable_outputs(0)->set_shape(0, 0); }},
      {"outputs[1].name", [](ModelManifest& m) { *m.add_outputs() = m.outputs(0); }},
      {"outputs", [](ModelManifest& m) { m.mutable_outputs(0)->set_shape(0, -1); }},
  };
  for (const Case& c : cases) {
    ModelManifest manifest = ValidManifest();
    c.break_it(manifest);
    const absl::Status status = ValidateManifest(manifest);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(status.message(), HasSubstr(c.field + ":")) << status;
  }
}

TEST(ManifestTest, Sha256MatchesKnownDigests) {
  const fs::path dir = FreshDir("sha");
  WriteText(dir / "empty", "");
  WriteText(dir / "abc", "abc");
  EXPECT_EQ(*Sha256OfFile(dir / "empty"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(*Sha256OfFile(dir / "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256OfFile(dir / "missing").status().code(), absl::StatusCode::kNotFound);
}

TEST(ManifestTest, ListVersionsSkipsWhatIsNotAVersion) {
  const fs::path dir = FreshDir("versions");
  for (const char* name : {"3", "10", "1", ".staging-11-5", "latest", "0"}) {
    fs::create_directories(dir / name);
  }
  WriteText(dir / "7", "a file, not a directory");
  EXPECT_EQ(*ListVersions(dir), (std::vector<int64_t>{1, 3, 10}));
  EXPECT_EQ(ListVersions(dir / "absent").status().code(), absl::StatusCode::kNotFound);
}

TEST(ManifestTest, PublishWritesAVersionThatReadsBackAndVerifies) {
  const fs::path root = FreshDir("publish");
  ModelManifest manifest = ValidManifest();
  manifest.set_version(0);  // next free
  auto write = [](const fs::path& path) {
    WriteText(path, "weights");
    return absl::OkStatus();
  };
  auto first = PublishModelVersion(root, manifest, write);
  auto second = PublishModelVersion(root, manifest, write);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->version(), 1);
  EXPECT_EQ(second->version(), 2);

  auto read = ReadManifest(root / "scorer" / "2", "scorer", 2);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->sha256(), *Sha256OfFile(root / "scorer" / "2" / "model.pt"));
  EXPECT_TRUE(read->has_created_time());
  EXPECT_TRUE(VerifyWeights(root / "scorer" / "2", *read).ok());
  EXPECT_EQ(*ListVersions(root / "scorer"), (std::vector<int64_t>{1, 2}));

  manifest.set_version(2);
  EXPECT_EQ(PublishModelVersion(root, manifest, write).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(ManifestTest, FailedPublishLeavesNothingBehind) {
  const fs::path root = FreshDir("publish_failure");
  auto failed = PublishModelVersion(root, ValidManifest(), [](const fs::path&) {
    return absl::InternalError("disk full");
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(fs::is_empty(root / "scorer"));
}

TEST(ManifestTest, ReadManifestExplainsWhatIsWrong) {
  const fs::path dir = FreshDir("read");
  EXPECT_EQ(ReadManifest(dir, "scorer", 1).status().code(), absl::StatusCode::kNotFound);

  WriteText(dir / "manifest.json", "{ not json");
  absl::Status status = ReadManifest(dir, "scorer", 1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not a valid manifest"));

  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(ValidManifest(), &json).ok());
  WriteText(dir / "manifest.json", json);
  EXPECT_TRUE(ReadManifest(dir, "scorer", 1).ok());
  status = ReadManifest(dir, "scorer", 2).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("version 2"));
}

TEST(ManifestTest, ConfigReadsAreTypedAndNameTheKey) {
  google::protobuf::Struct config;
  (*config.mutable_fields())["dim"].set_number_value(8);
  (*config.mutable_fields())["half"].set_number_value(0.5);
  (*config.mutable_fields())["name"].set_string_value("x");
  auto* list = (*config.mutable_fields())["dims"].mutable_list_value();
  list->add_values()->set_number_value(4);
  list->add_values()->set_number_value(2);

  EXPECT_EQ(*ConfigInt(config, "dim"), 8);
  EXPECT_EQ(*ConfigNumber(config, "half"), 0.5);
  EXPECT_EQ(*ConfigIntList(config, "dims"), (std::vector<int64_t>{4, 2}));
  EXPECT_THAT(ConfigInt(config, "half").status().message(), HasSubstr("config.half"));
  EXPECT_THAT(ConfigInt(config, "absent").status().message(), HasSubstr("config.absent: missing"));
  EXPECT_THAT(ConfigInt(config, "name").status().message(), HasSubstr("must be a number"));
  EXPECT_THAT(ConfigIntList(config, "dim").status().message(), HasSubstr("list"));
}

}  // namespace
}  // namespace aigc::runtime
