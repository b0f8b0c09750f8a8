// JSON string literals for code that writes JSON by hand (audit lines, error
// bodies, corpus files): quotes, backslashes and control characters escaped,
// and bytes that are not UTF-8 replaced by U+FFFD, so that the output is
// valid JSON whatever the input.
#ifndef AIGC_COMMON_TEXT_JSON_STRING_H_
#define AIGC_COMMON_TEXT_JSON_STRING_H_

#include <string>
#include <string_view>

namespace aigc::text {

// Appends `value` to `out` as a JSON string, quotes included.
void AppendJsonString(std::string_view value, std::string& out);

// `value` as a JSON string, quotes included.
std::string JsonString(std::string_view value);

}  // namespace aigc::text

#endif  // AIGC_COMMON_TEXT_JSON_STRING_H_
