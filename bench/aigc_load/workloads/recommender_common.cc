#include "bench/aigc_load/workloads/recommender_common.h"

#include <algorithm>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpcpp/client_context.h"

ABSL_FLAG(std::string, user_ids, std::string(aigc::load::kDefaultUserIds),
          "recommend, write_events, gateway_product_cards: users to draw uniformly, as "
          "PATTERN:FIRST..LAST with one %d (or %0Nd) in PATTERN, e.g. u%d:1..671 for the "
          "MovieLens users u1..u671.");
ABSL_FLAG(int, count, 10,
          "recommend, similar_items: items asked per request, 1..200; gateway_product_cards: "
          "cards per request, 1..20.");
ABSL_FLAG(std::string, algorithm, "",
          "recommend, similar_items, gateway_product_cards: algorithm by enum name, e.g. "
          "ALGORITHM_EASE; empty lets "
          "the server choose.");
ABSL_FLAG(int, catalogue_limit, 10000,
          "similar_items, write_events: most catalogue items fetched (ListItems, in id order) "
          "before the first level to draw items from.");

namespace aigc::load {
namespace {

namespace v1 = recommender::v1;

constexpr size_t kMaxIdLength = 128;
constexpr int kMaxPadWidth = 20;

bool IsIdText(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

absl::Status BadRange(absl::string_view spec, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("\"", spec, "\": ", problem));
}

}  // namespace

IdRange::IdRange(std::string spec, std::string prefix, int width, std::string suffix, int64_t first,
                 int64_t last)
    : spec_(std::move(spec)),
      prefix_(std::move(prefix)),
      width_(width),
      suffix_(std::move(suffix)),
      first_(first),
      last_(last) {}

absl::StatusOr<IdRange> IdRange::Parse(absl::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == absl::string_view::npos) {
    return BadRange(spec, "expected PATTERN:FIRST..LAST, e.g. u%d:1..671");
  }
  const absl::string_view pattern = spec.substr(0, colon);
  const std::vector<absl::string_view> bounds =
      absl::StrSplit(spec.substr(colon + 1), absl::MaxSplits("..", 1));
  int64_t first = 0;
  int64_t last = 0;
  if (bounds.size() != 2 || !absl::SimpleAtoi(bounds[0], &first) ||
      !absl::SimpleAtoi(bounds[1], &last) || first < 0 || last < first) {
    return BadRange(spec, "the range must be FIRST..LAST with 0 <= FIRST <= LAST");
  }
  const size_t percent = pattern.find('%');
  if (percent == absl::string_view::npos) return BadRange(spec, "the pattern needs a %d");
  const absl::string_view prefix = pattern.substr(0, percent);
  absl::string_view conversion = pattern.substr(percent + 1);
  int width = 0;
  if (absl::ConsumePrefix(&conversion, "0")) {
    const size_t digits = conversion.find_first_not_of("0123456789");
    if (digits == 0 || digits == absl::string_view::npos ||
        !absl::SimpleAtoi(conversion.substr(0, digits), &width) || width > kMaxPadWidth) {
      return BadRange(spec, absl::StrCat("zero padding is %0Nd with 1 <= N <= ", kMaxPadWidth));
    }
    conversion.remove_prefix(digits);
  }
  if (!absl::ConsumePrefix(&conversion, "d")) {
    return BadRange(spec, "the only conversion is %d (or %0Nd)");
  }
  const absl::string_view suffix = conversion;
  if (!IsIdText(prefix) || !IsIdText(suffix)) {
    return BadRange(spec,
                    "ids may only hold [A-Za-z0-9_.:-] and the pattern exactly one conversion");
  }
  IdRange range(std::string(spec), std::string(prefix), width, std::string(suffix), first, last);
  if (range.At(last).size() > kMaxIdLength) {
    return BadRange(spec, absl::StrCat("ids are at most ", kMaxIdLength, " characters"));
  }
  return range;
}

std::string IdRange::At(int64_t number) const {
  return absl::StrCat(prefix_, absl::StrFormat("%0*d", width_, number), suffix_);
}

std::string IdRange::Draw(std::mt19937_64& random) const {
  return At(std::uniform_int_distribution<int64_t>(first_, last_)(random));
}

absl::StatusOr<v1::Algorithm> ParseAlgorithm(absl::string_view name) {
  v1::Algorithm algorithm = v1::ALGORITHM_UNSPECIFIED;
  if (name.empty() || v1::Algorithm_Parse(std::string(name), &algorithm)) return algorithm;
  std::vector<std::string> names;
  for (int value = v1::Algorithm_MIN; value <= v1::Algorithm_MAX; ++value) {
    if (v1::Algorithm_IsValid(value)) names.push_back(v1::Algorithm_Name(value));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown algorithm \"", name, "\" (", absl::StrJoin(names, ", "), ")"));
}

absl::StatusOr<std::vector<std::string>> FetchCatalogueItemIds(
    v1::RecommenderService::StubInterface& stub, int max_items, absl::Duration rpc_deadline) {
  std::vector<std::string> ids;
  v1::ListItemsRequest request;
  request.mutable_metadata()->set_client_name("aigc-load");
  for (int page = 0; page < max_items && static_cast<int>(ids.size()) < max_items; ++page) {
    request.mutable_page()->set_page_size(
        std::min(kCataloguePageSize, max_items - static_cast<int>(ids.size())));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + rpc_deadline));
    v1::ListItemsResponse response;
    const grpc::Status status = stub.ListItems(&context, request, &response);
    if (!status.ok()) {
      const auto code = static_cast<absl::StatusCode>(status.error_code());
      // gRPC's own errors (UNIMPLEMENTED, UNAVAILABLE) may come without a message.
      return absl::Status(
          code, absl::StrCat("ListItems: ", absl::StatusCodeToString(code),
                             status.error_message().empty() ? "" : ": ", status.error_message()));
    }
    for (const common::v1::Product& item : response.items()) {
      if (static_cast<int>(ids.size()) == max_items) break;
      ids.push_back(item.id());
    }
    if (response.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
  if (ids.empty()) {
    return absl::FailedPreconditionError(
        "the catalogue is empty (ListItems returned no items): load items first");
  }
  return ids;
}

std::string RecommenderMethod(absl::string_view method) {
  return absl::StrCat(v1::RecommenderService::service_full_name(), "/", method);
}

absl::Status AsFlagError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::InvalidArgumentError(absl::StrCat("--", status.message()));
}

}  // namespace aigc::load
