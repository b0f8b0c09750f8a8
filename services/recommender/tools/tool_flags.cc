#include "services/recommender/tools/tool_flags.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"

namespace aigc::recommender {

absl::StatusOr<std::vector<aigc::recommender::v1::Algorithm>> ParseAlgorithmList(
    const std::string& text, absl::string_view flag) {
  std::vector<aigc::recommender::v1::Algorithm> algorithms;
  for (absl::string_view name : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    AIGC_ASSIGN_OR_RETURN(const auto algorithm, ParseAlgorithm(name, flag));
    algorithms.push_back(algorithm);
  }
  if (algorithms.empty()) return status::InvalidField(flag, "give at least one algorithm");
  return algorithms;
}

absl::StatusOr<Hyperparameters> ParseHyperparameterList(const std::string& text,
                                                        absl::string_view flag) {
  std::map<std::string, std::string> overrides;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first.empty() || kv.second.empty()) {
      return status::InvalidField(flag, absl::StrCat("\"", part, "\" is not key=value"));
    }
    overrides[kv.first] = kv.second;
  }
  return Hyperparameters::Parse(overrides);
}

absl::StatusOr<std::vector<int>> ParseCutoffs(const std::string& text, absl::string_view flag) {
  std::vector<int> ks;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int k = 0;
    if (!absl::SimpleAtoi(part, &k) || k < 1) {
      return status::InvalidField(flag, absl::StrCat("\"", part, "\" is not a positive integer"));
    }
    ks.push_back(k);
  }
  if (ks.empty()) return status::InvalidField(flag, "give at least one cut-off");
  return ks;
}

}  // namespace aigc::recommender
