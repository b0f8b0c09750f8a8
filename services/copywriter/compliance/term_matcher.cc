#include "services/copywriter/compliance/term_matcher.h"
#include "services/copywriter/compliance/char_fold.h"


namespace aigc::copy_compliance {
namespace {

uint64_t EdgeKey(int32_t node, char32_t c) {
  return (static_cast<uint64_t>(node) << 32) | static_cast<uint64_t>(c);
}

}  // namespace

std::optional<int> TermMatcher::Add(std::u32string_view term, int id) {
  if (term.empty()) return std::nullopt;
  int32_t node = 0;
  for (char32_t raw : term) {
    const char32_t c = FoldChar(raw);
    auto [it, inserted] = children_.try_emplace(EdgeKey(node, c), 0);
    if (inserted) {
      it->second = static_cast<int32_t>(terminal_.size());
      terminal_.push_back(-1);
      has_children_.push_back(false);
      has_children_[node] = true;
    }
    node = it->second;
  }
  if (terminal_[node] >= 0) return terminal_[node];
  terminal_[node] = id;
  return std::nullopt;
}

int32_t TermMatcher::Child(int32_t node, char32_t c) const {
  const auto it = children_.find(EdgeKey(node, FoldChar(c)));
  return it == children_.end() ? -1 : it->second;
}

bool TermMatcher::StartAllowed(std::u32string_view text, std::size_t pos, char32_t before) const {
  const char32_t previous = pos == 0 ? before : text[pos - 1];
  return !(IsWordChar(text[pos]) && IsWordChar(previous));
}

std::optional<TermMatcher::Match> TermMatcher::LongestAt(std::u32string_view text, std::size_t pos,
                                                         char32_t before) const {
  if (!StartAllowed(text, pos, before)) return std::nullopt;
  std::optional<Match> best;
  int32_t node = 0;
  for (std::size_t i = pos; i < text.size(); ++i) {
    node = Child(node, text[i]);
    if (node < 0) break;
    if (terminal_[node] < 0) continue;
    const bool end_ok = i + 1 == text.size() || !(IsWordChar(text[i]) && IsWordChar(text[i + 1]));
    if (end_ok) best = Match{pos, i + 1, terminal_[node]};
  }
  return best;
}

bool TermMatcher::CouldExtend(std::u32string_view text, std::size_t pos, char32_t before) const {
  if (!StartAllowed(text, pos, before)) return false;
  int32_t node = 0;
  for (std::size_t i = pos; i < text.size(); ++i) {
    node = Child(node, text[i]);
    if (node < 0) return false;
  }
  return has_children_[node] || (terminal_[node] >= 0 && IsWordChar(text.back()));
}

std::vector<TermMatcher::Match> TermMatcher::FindAll(std::u32string_view text) const {
  std::vector<Match> matches;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (std::optional<Match> match = LongestAt(text, pos)) {
      matches.push_back(*match);
      pos = match->end;
    } else {
      ++pos;
    }
  }
  return matches;
}

}  // namespace aigc::copy_compliance
