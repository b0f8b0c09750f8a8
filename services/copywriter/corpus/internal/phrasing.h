// Slot filling shared by the copy and Q&A composers.
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_INTERNAL_PHRASING_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_INTERNAL_PHRASING_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aigc/common/v1/common.pb.h"
#include "common/catalog/random.h"

namespace aigc::copy_corpus::internal {

// Placeholder name (without braces) to its text.
using SlotValues = std::map<std::string, std::string, std::less<>>;

// `pattern` with every "{name}" replaced by values[name]; nullopt when a
// placeholder has no value or an empty one (the phrasing would state a fact
// the product does not have).
std::optional<std::string> Fill(std::string_view pattern, const SlotValues& values);

// A random phrasing of `patterns` that fills; nullopt when none does.
std::optional<std::string> PickFilled(std::span<const std::string_view> patterns,
                                      const SlotValues& values, catalog::Rng& rng);

// "a、b、c" in Chinese, "a, b and c" in English.
std::string JoinList(const std::vector<std::string>& items, common::v1::Language language);

// `text` with its first character upper-cased when it is an ASCII letter
// (English sentence starts).
std::string Capitalize(std::string text);

}  // namespace aigc::copy_corpus::internal

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_INTERNAL_PHRASING_H_
