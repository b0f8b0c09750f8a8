#include "services/copywriter/corpus/internal/phrasing.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace aigc::copy_corpus::internal {

std::optional<std::string> Fill(std::string_view pattern, const SlotValues& values) {
  std::string out;
  size_t pos = 0;
  while (pos < pattern.size()) {
    const size_t open = pattern.find('{', pos);
    if (open == std::string_view::npos) break;
    const size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    const auto it = values.find(pattern.substr(open + 1, close - open - 1));
    if (it == values.end() || it->second.empty()) return std::nullopt;
    out.append(pattern.substr(pos, open - pos));
    out.append(it->second);
    pos = close + 1;
  }
  out.append(pattern.substr(pos));
  return out;
}

std::optional<std::string> PickFilled(std::span<const std::string_view> patterns,
                                      const SlotValues& values, catalog::Rng& rng) {
  const size_t start = rng.Below(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (auto text = Fill(patterns[(start + i) % patterns.size()], values)) return text;
  }
  return std::nullopt;
}

std::string JoinList(const std::vector<std::string>& items, common::v1::Language language) {
  if (language != common::v1::LANGUAGE_EN) return absl::StrJoin(items, "、");
  if (items.size() <= 1) return absl::StrJoin(items, "");
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " and ", items.back());
}

std::string Capitalize(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

}  // namespace aigc::copy_corpus::internal
