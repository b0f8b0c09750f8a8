// JSON Lines files of the corpus: one JSON object per line, UTF-8, "\n" after
// every line.
//
// Corpus examples are written by our own writer (fixed key order, JSON string
// escaping of quotes, backslashes and control characters) as
//   {"kind":"copy"|"qa","product_id":...,"language":"LANGUAGE_ZH",
//    "style":"COPY_STYLE_LIVELY","channel":"CHANNEL_EMAIL" (copy only),
//    "intent":"INTENT_PRICE","question":... (qa only),"prompt":...,"completion":...}
// and read back with protobuf's JSON parser. Products and knowledge entries
// are written as proto JSON (protobuf's JSON mapping, one message per line).
//
// Readers validate every line and fail with INVALID_ARGUMENT "line <n>: <why>"
// (n counts from 1); blank lines are skipped.
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_JSONL_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_JSONL_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"
#include "services/copywriter/corpus/corpus.h"

namespace aigc::copy_corpus {

// Size of a written file.
struct FileStats {
  int64_t lines = 0;
  int64_t characters = 0;  // Unicode code points, newlines included
  int64_t bytes = 0;
};

// One example as a JSON object (no newline).
std::string ExampleToJson(const CorpusExample& example);

// The example of one JSON object line. Fails with INVALID_ARGUMENT when the
// line is not a JSON object, a key is unknown, a value has the wrong type, an
// enum name is unknown, or a required field (kind, product_id, language,
// prompt, completion; style and channel for copy; intent and question for
// qa) is missing.
absl::StatusOr<CorpusExample> ExampleFromJson(std::string_view line);

// JSONL text of `examples`.
std::string ExamplesToJsonl(std::span<const CorpusExample> examples);

// Examples of JSONL `text`; errors name the line.
absl::StatusOr<std::vector<CorpusExample>> ParseExamplesJsonl(std::string_view text);

// Proto JSON lines of products / knowledge entries, and back.
absl::StatusOr<std::string> ProductsToJsonl(std::span<const common::v1::Product> products);
absl::StatusOr<std::string> KnowledgeToJsonl(
    std::span<const copywriter::v1::ProductKnowledge> knowledge);
absl::StatusOr<std::vector<common::v1::Product>> ParseProductsJsonl(std::string_view text);
absl::StatusOr<std::vector<copywriter::v1::ProductKnowledge>> ParseKnowledgeJsonl(
    std::string_view text);

// Writes `text` to `path` (replacing it) and returns its size. Fails naming
// the path (NOT_FOUND for a missing directory, PERMISSION_DENIED, else
// UNKNOWN) when the file cannot be written.
absl::StatusOr<FileStats> WriteTextFile(const std::string& path, std::string_view text);

// Contents of the file at `path`; fails naming the path (codes as above).
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace aigc::copy_corpus

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_JSONL_H_
