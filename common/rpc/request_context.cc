#include "common/rpc/request_context.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status.h"

namespace aigc::rpc {
namespace {

using status::InvalidField;

constexpr size_t kMaxRequestIdChars = 128;
constexpr size_t kMaxClientNameChars = 64;
constexpr size_t kMaxExperimentTags = 16;
constexpr size_t kMaxExperimentTagChars = 64;

// Unicode code points of UTF-8 text (protobuf has already checked that string
// fields are valid UTF-8): every byte that is not a continuation byte.
size_t CountChars(absl::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsPrintableAscii(char c) { return c >= 0x20 && c <= 0x7E; }

}  // namespace

absl::StatusOr<std::string> ResolveRequestId(const common::v1::RequestMetadata& metadata) {
  const std::string& id = metadata.request_id();
  if (id.size() > kMaxRequestIdChars) {
    return InvalidField("metadata.request_id",
                        absl::StrCat("must be 1..128 printable ASCII characters, got ",
                                     CountChars(id), " characters"));
  }
  if (!std::all_of(id.begin(), id.end(), IsPrintableAscii)) {
    return InvalidField("metadata.request_id",
                        "must be 1..128 printable ASCII characters, got a character outside "
                        "0x20..0x7E");
  }
  if (const size_t chars = CountChars(metadata.client_name()); chars > kMaxClientNameChars) {
    return InvalidField("metadata.client_name",
                        absl::StrCat("must be at most 64 characters, got ", chars));
  }
  if (metadata.experiment_tags_size() > static_cast<int>(kMaxExperimentTags)) {
    return InvalidField("metadata.experiment_tags",
                        absl::StrCat("at most 16 entries, got ", metadata.experiment_tags_size()));
  }
  // Map order is unspecified; sorted keys make the reported error stable.
  std::vector<std::pair<std::string, std::string>> tags(metadata.experiment_tags().begin(),
                                                        metadata.experiment_tags().end());
  std::sort(tags.begin(), tags.end());
  for (const auto& [key, value] : tags) {
    const size_t key_chars = CountChars(key);
    const size_t value_chars = CountChars(value);
    if (key_chars < 1 || key_chars > kMaxExperimentTagChars || value_chars < 1 ||
        value_chars > kMaxExperimentTagChars) {
      return InvalidField(absl::StrCat("metadata.experiment_tags[", absl::CEscape(key), "]"),
                          absl::StrCat("key and value must be 1..64 characters, got ", key_chars,
                                       " and ", value_chars));
    }
  }
  if (!id.empty()) return id;
  return GenerateRequestId();
}

common::v1::Language LanguageOfLocale(absl::string_view locale) {
  const std::string lower = absl::AsciiStrToLower(locale);
  return lower == "en" || absl::StartsWith(lower, "en-") || absl::StartsWith(lower, "en_")
             ? common::v1::LANGUAGE_EN
             : common::v1::LANGUAGE_ZH;
}

std::string GenerateRequestId() {
  // One generator per thread: absl::BitGen is not thread-safe, and seeding
  // one per call would cost more than the id is worth.
  thread_local absl::BitGen gen;
  const uint64_t high = absl::Uniform<uint64_t>(gen);
  const uint64_t low = absl::Uniform<uint64_t>(gen);
  return absl::StrFormat("%016x%016x", high, low);
}

uint64_t RandomSeed() {
  thread_local absl::BitGen gen;
  return absl::Uniform<uint64_t>(gen);
}

void FillResponseMetadata(absl::string_view request_id, absl::Time received, absl::Time now,
                          common::v1::ResponseMetadata* out) {
  out->set_request_id(std::string(request_id));
  const absl::Duration elapsed = std::max(now - received, absl::ZeroDuration());
  const int64_t nanos = absl::ToInt64Nanoseconds(elapsed);
  out->mutable_processing_time()->set_seconds(nanos / 1'000'000'000);
  out->mutable_processing_time()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
}

absl::Status CheckDeadline(absl::Time deadline, absl::Time now) {
  if (now < deadline) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat(
      "the deadline passed ", absl::FormatDuration(now - deadline), " before the work started"));
}

common::v1::PartStatus ToPartStatus(const absl::Status& status) {
  common::v1::PartStatus part;
  part.set_code(static_cast<int32_t>(status.code()));
  part.set_message(std::string(status.message()));
  return part;
}

}  // namespace aigc::rpc
