#include "services/copywriter/compliance/internal/lexicon.h"

#include <algorithm>
#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/text/utf8.h"

namespace aigc::copy_compliance::internal {

using text::DecodeUtf8;
namespace {

// Debian's abseil has its own string_view type.
constexpr absl::string_view kVersionPrefix = "# version:";
constexpr absl::string_view kAllowMarker = "allow";
// Rule ids may become metric labels: keep their number bounded.
constexpr std::size_t kMaxRuleIds = 32;

absl::Status LineError(int line, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("lexicon line ", line, ": ", problem));
}

// "<family>.<name>", each part [a-z][a-z0-9_]*, e.g. "ad_law.superlative".
bool IsValidRuleId(absl::string_view id) {
  const std::vector<absl::string_view> parts = absl::StrSplit(id, '.');
  if (parts.size() != 2) return false;
  for (absl::string_view part : parts) {
    if (part.empty() || !absl::ascii_islower(part[0])) return false;
    for (char c : part) {
      if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<Lexicon> ParseLexicon(std::string_view text) {
  Lexicon lexicon;
  std::vector<int> entry_lines;
  std::vector<std::string> rule_ids;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (lexicon.version.empty()) {
      if (!absl::ConsumePrefix(&line, kVersionPrefix)) {
        return LineError(line_number, "the first non-empty line must be \"# version: <version>\"");
      }
      lexicon.version = std::string(absl::StripAsciiWhitespace(line));
      if (lexicon.version.empty()) return LineError(line_number, "empty version");
      continue;
    }
    // "#1" is a term: only tab-free lines are comments.
    if (absl::StartsWith(line, "#") && !absl::StrContains(line, '\t')) continue;

    const std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 4) {
      return LineError(line_number, absl::StrCat("expected 4 tab-separated fields "
                                                 "(term, rule_id, replacement, language), got ",
                                                 fields.size()));
    }
    LexiconEntry entry;
    entry.term = std::string(fields[0]);
    if (absl::StripAsciiWhitespace(entry.term).empty()) return LineError(line_number, "empty term");
    if (fields[1] == kAllowMarker) {
      entry.allowed = true;
      if (!fields[2].empty()) {
        return LineError(line_number, "an allow row must have an empty replacement");
      }
    } else if (IsValidRuleId(fields[1])) {
      entry.rule_id = std::string(fields[1]);
      if (std::find(rule_ids.begin(), rule_ids.end(), entry.rule_id) == rule_ids.end()) {
        rule_ids.push_back(entry.rule_id);
        if (rule_ids.size() > kMaxRuleIds) {
          return LineError(line_number, absl::StrCat("more than ", kMaxRuleIds, " rule ids"));
        }
      }
    } else {
      return LineError(line_number,
                       absl::StrCat("rule_id \"", fields[1],
                                    "\" is neither \"allow\" nor of the form family.name "
                                    "([a-z][a-z0-9_]*.[a-z][a-z0-9_]*)"));
    }
    entry.replacement = DecodeUtf8(std::string_view(fields[2].data(), fields[2].size()));
    if (fields[3] != "zh" && fields[3] != "en") {
      return LineError(line_number,
                       absl::StrCat("language must be zh or en, got \"", fields[3], "\""));
    }
    const int id = static_cast<int>(lexicon.entries.size());
    if (std::optional<int> previous = lexicon.matcher.Add(DecodeUtf8(entry.term), id)) {
      return LineError(line_number,
                       absl::StrCat("duplicate term \"", entry.term, "\" (first on line ",
                                    entry_lines[*previous], ")"));
    }
    lexicon.entries.push_back(std::move(entry));
    entry_lines.push_back(line_number);
  }
  if (lexicon.version.empty())
    return LineError(std::max(line_number, 1), "missing \"# version:\" line");

  // A replacement that is itself flagged would be rewritten forever.
  for (std::size_t i = 0; i < lexicon.entries.size(); ++i) {
    for (const TermMatcher::Match& match :
         lexicon.matcher.FindAll(lexicon.entries[i].replacement)) {
      const LexiconEntry& found = lexicon.entries[match.id];
      if (!found.allowed) {
        return LineError(entry_lines[i], absl::StrCat("replacement contains the flagged term \"",
                                                      found.term, "\""));
      }
    }
  }
  return lexicon;
}

}  // namespace aigc::copy_compliance::internal
