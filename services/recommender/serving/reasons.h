// Human-readable reasons for recommended items, in Chinese or English.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVING_REASONS_H_
#define AIGC_SERVICES_RECOMMENDER_SERVING_REASONS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender {

enum class ReasonLanguage { kChinese, kEnglish };

// The language of RequestMetadata.locale: English for "en" and "en-*",
// Chinese otherwise (the contract's default, also for unknown languages).
ReasonLanguage LanguageOfLocale(absl::string_view locale);

// What a reason may mention.
struct ReasonFacts {
  aigc::recommender::v1::ReasonType type = aigc::recommender::v1::REASON_TYPE_UNSPECIFIED;
  // Title of the cited item (history, context or query item), if any.
  std::string cited_title;
  // Category of the recommended item (popularity and new-item reasons).
  aigc::common::v1::Category category = aigc::common::v1::CATEGORY_UNSPECIFIED;
  // Matched content token, e.g. "tag:comedy" (attribute reasons).
  std::string token;
};

// The reason text, 1..200 characters, e.g. "因为你看过「法式碎花连衣裙」",
// "popular in dresses", "matches your interest in comedy". Never empty.
std::string ReasonText(const ReasonFacts& facts, ReasonLanguage language);

// Display name of a category, e.g. 连衣裙 / dresses; empty for UNSPECIFIED.
std::string CategoryName(aigc::common::v1::Category category, ReasonLanguage language);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVING_REASONS_H_
