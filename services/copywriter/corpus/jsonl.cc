#include "services/copywriter/corpus/jsonl.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"
#include "common/text/json_string.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"
#include "services/copywriter/corpus/copy_composer.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using google::protobuf::Struct;
using google::protobuf::Value;

// Appends ,"key":"value" (no comma before the first field).
void AppendField(std::string& out, std::string_view key, std::string_view value) {
  if (out.size() > 1) out.push_back(',');
  text::AppendJsonString(key, out);
  out.push_back(':');
  text::AppendJsonString(value, out);
}

absl::Status FileError(const std::string& path, absl::string_view action) {
  const std::string message =
      absl::StrCat("cannot ", action, " ", path, ": ", std::strerror(errno));
  if (errno == ENOENT) return absl::NotFoundError(message);
  if (errno == EACCES) return absl::PermissionDeniedError(message);
  return absl::UnknownError(message);
}

absl::Status LineError(size_t line, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", problem));
}

// Calls parse(line_text) for every non-blank line; prefixes its errors with
// the line number.
template <typename T, typename Parse>
absl::StatusOr<std::vector<T>> ParseLines(std::string_view text, Parse parse) {
  std::vector<T> items;
  size_t number = 0;
  for (const absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++number;
    if (line.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
    absl::StatusOr<T> item = parse(std::string_view(line.data(), line.size()));
    if (!item.ok()) return LineError(number, item.status().message());
    items.push_back(*std::move(item));
  }
  return items;
}

// Proto JSON of `message` with map entries in key order. MessageToJsonString
// prints maps in their (unspecified) iteration order, so the same product
// could print differently; printing a deterministic binary serialisation
// keeps files byte-identical across runs.
absl::StatusOr<std::string> DeterministicJson(const google::protobuf::Message& message) {
  static auto* const resolver = google::protobuf::util::NewTypeResolverForDescriptorPool(
      "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool());
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!message.SerializeToCodedStream(&coded)) {
      return absl::InvalidArgumentError("message cannot be serialised");
    }
  }
  std::string json;
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver, absl::StrCat("type.googleapis.com/", message.GetDescriptor()->full_name()), binary,
      &json);
  if (!status.ok()) return absl::InvalidArgumentError(status.ToString());
  return json;
}

template <typename M>
absl::StatusOr<std::string> MessagesToJsonl(std::span<const M> messages) {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    absl::StatusOr<std::string> line = DeterministicJson(messages[i]);
    if (!line.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("[", i, "]: ", line.status().message()));
    }
    absl::StrAppend(&out, *line, "\n");
  }
  return out;
}

template <typename M>
absl::StatusOr<std::vector<M>> ParseMessagesJsonl(std::string_view text) {
  return ParseLines<M>(text, [](std::string_view line) -> absl::StatusOr<M> {
    M message;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(line.data(), line.size()), &message);
    if (!status.ok()) return absl::InvalidArgumentError(status.ToString());
    return message;
  });
}

// String field `key` of `object`: "" when absent, error when not a string.
absl::StatusOr<std::string> StringField(const Struct& object, const std::string& key) {
  const auto it = object.fields().find(key);
  if (it == object.fields().end()) return std::string();
  if (it->second.kind_case() != Value::kStringValue) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": must be a string"));
  }
  return it->second.string_value();
}

absl::StatusOr<std::string> RequiredString(const Struct& object, const std::string& key) {
  AIGC_ASSIGN_OR_RETURN(std::string value, StringField(object, key));
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(key, ": required"));
  return value;
}

// Parses the enum named by string field `key` with `parse` (a generated
// *_Parse function).
template <typename E, typename ParseFn>
absl::StatusOr<E> RequiredEnum(const Struct& object, const std::string& key, ParseFn parse) {
  AIGC_ASSIGN_OR_RETURN(const std::string name, RequiredString(object, key));
  E value;
  if (!parse(name, &value) || static_cast<int>(value) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": unknown value \"", name, "\""));
  }
  return value;
}

}  // namespace

std::string ExampleToJson(const CorpusExample& example) {
  std::string out = "{";
  const bool copy = example.kind == CorpusExample::kCopy;
  AppendField(out, "kind", copy ? "copy" : "qa");
  AppendField(out, "product_id", example.product_id);
  AppendField(out, "language", v1::Language_Name(example.language));
  if (copy) {
    AppendField(out, "style", cv1::CopyStyle_Name(example.style));
    AppendField(out, "channel", cv1::Channel_Name(example.channel));
  } else {
    AppendField(out, "intent", cv1::Intent_Name(example.intent));
    AppendField(out, "question", example.question);
  }
  AppendField(out, "prompt", example.prompt);
  AppendField(out, "completion", example.completion);
  out.push_back('}');
  return out;
}

absl::StatusOr<CorpusExample> ExampleFromJson(std::string_view line) {
  Struct object;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &object);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", parsed.message().ToString()));
  }
  for (const auto& [key, value] : object.fields()) {
    static constexpr std::string_view kKeys[] = {"kind",     "product_id", "language",
                                                 "style",    "channel",    "intent",
                                                 "question", "prompt",     "completion"};
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown key \"", key, "\""));
    }
  }
  CorpusExample example;
  AIGC_ASSIGN_OR_RETURN(const std::string kind, RequiredString(object, "kind"));
  if (kind != "copy" && kind != "qa") {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: must be \"copy\" or \"qa\", got \"", kind, "\""));
  }
  example.kind = kind == "copy" ? CorpusExample::kCopy : CorpusExample::kQa;
  AIGC_ASSIGN_OR_RETURN(example.product_id, RequiredString(object, "product_id"));
  AIGC_ASSIGN_OR_RETURN(example.language,
                        RequiredEnum<v1::Language>(object, "language", v1::Language_Parse));
  if (example.kind == CorpusExample::kCopy) {
    AIGC_ASSIGN_OR_RETURN(example.style,
                          RequiredEnum<cv1::CopyStyle>(object, "style", cv1::CopyStyle_Parse));
    AIGC_ASSIGN_OR_RETURN(example.channel,
                          RequiredEnum<cv1::Channel>(object, "channel", cv1::Channel_Parse));
  } else {
    AIGC_ASSIGN_OR_RETURN(example.intent,
                          RequiredEnum<cv1::Intent>(object, "intent", cv1::Intent_Parse));
    AIGC_ASSIGN_OR_RETURN(example.question, RequiredString(object, "question"));
  }
  AIGC_ASSIGN_OR_RETURN(example.prompt, RequiredString(object, "prompt"));
  AIGC_ASSIGN_OR_RETURN(example.completion, RequiredString(object, "completion"));
  return example;
}

std::string ExamplesToJsonl(std::span<const CorpusExample> examples) {
  std::string out;
  for (const CorpusExample& example : examples) absl::StrAppend(&out, ExampleToJson(example), "\n");
  return out;
}

absl::StatusOr<std::vector<CorpusExample>> ParseExamplesJsonl(std::string_view text) {
  return ParseLines<CorpusExample>(text, ExampleFromJson);
}

absl::StatusOr<std::string> ProductsToJsonl(std::span<const v1::Product> products) {
  return MessagesToJsonl(products);
}

absl::StatusOr<std::string> KnowledgeToJsonl(std::span<const cv1::ProductKnowledge> knowledge) {
  return MessagesToJsonl(knowledge);
}

absl::StatusOr<std::vector<v1::Product>> ParseProductsJsonl(std::string_view text) {
  return ParseMessagesJsonl<v1::Product>(text);
}

absl::StatusOr<std::vector<cv1::ProductKnowledge>> ParseKnowledgeJsonl(std::string_view text) {
  return ParseMessagesJsonl<cv1::ProductKnowledge>(text);
}

absl::StatusOr<FileStats> WriteTextFile(const std::string& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return FileError(path, "create");
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file) return FileError(path, "write");
  FileStats stats;
  stats.lines = std::count(text.begin(), text.end(), '\n');
  stats.characters = CodePoints(text);
  stats.bytes = static_cast<int64_t>(text.size());
  return stats;
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return FileError(path, "open");
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return FileError(path, "read");
  return contents.str();
}

}  // namespace aigc::copy_corpus
