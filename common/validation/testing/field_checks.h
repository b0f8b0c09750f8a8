// Test helpers for validators: texts of a given length and the check that a
// status names exactly one field.
#ifndef AIGC_COMMON_VALIDATION_TESTING_FIELD_CHECKS_H_
#define AIGC_COMMON_VALIDATION_TESTING_FIELD_CHECKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace aigc::validation::testing {

// `n` copies of `unit` (a character of 1 to 3 UTF-8 bytes).
inline std::string Chars(size_t n, absl::string_view unit = "a") {
  std::string text;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&text, unit);
  return text;
}

// Expects INVALID_ARGUMENT whose message starts with exactly "<field>: ", so
// a parent or child path ("items[2].colors" vs "items[2].colors[1]") fails.
inline void ExpectInvalidField(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, ": ")))
      << "want field " << field << ", got: " << status.message();
}

}  // namespace aigc::validation::testing

#endif  // AIGC_COMMON_VALIDATION_TESTING_FIELD_CHECKS_H_
