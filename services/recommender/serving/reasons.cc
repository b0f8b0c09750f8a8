#include "services/recommender/serving/reasons.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/request_context.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;

constexpr size_t kMaxTitleBytes = 120;  // keeps every reason within 200 characters

// A title cut at a UTF-8 character boundary.
std::string Shorten(absl::string_view title) {
  if (title.size() <= kMaxTitleBytes) return std::string(title);
  size_t end = kMaxTitleBytes;
  while (end > 0 && (static_cast<unsigned char>(title[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(title.substr(0, end), "…");
}

// "tag:comedy" -> "comedy"; "price:cny:7" -> "cny:7".
absl::string_view TokenValue(absl::string_view token) {
  const size_t colon = token.find(':');
  return colon == absl::string_view::npos ? token : token.substr(colon + 1);
}

std::string Popular(common::Category category, ReasonLanguage language) {
  const std::string name = CategoryName(category, language);
  if (language == ReasonLanguage::kEnglish) {
    return name.empty() ? "popular right now" : absl::StrCat("popular in ", name);
  }
  return name.empty() ? "热门推荐" : absl::StrCat(name, "热销");
}

}  // namespace

ReasonLanguage LanguageOfLocale(absl::string_view locale) {
  return rpc::LanguageOfLocale(locale) == common::LANGUAGE_EN ? ReasonLanguage::kEnglish
                                                              : ReasonLanguage::kChinese;
}

std::string CategoryName(common::Category category, ReasonLanguage language) {
  const bool en = language == ReasonLanguage::kEnglish;
  switch (category) {
    case common::CATEGORY_TSHIRT_TOP:
      return en ? "T-shirts & tops" : "T恤/上衣";
    case common::CATEGORY_TROUSER:
      return en ? "trousers" : "裤子";
    case common::CATEGORY_PULLOVER:
      return en ? "pullovers" : "套头衫";
    case common::CATEGORY_DRESS:
      return en ? "dresses" : "连衣裙";
    case common::CATEGORY_COAT:
      return en ? "coats" : "外套";
    case common::CATEGORY_SANDAL:
      return en ? "sandals" : "凉鞋";
    case common::CATEGORY_SHIRT:
      return en ? "shirts" : "衬衫";
    case common::CATEGORY_SNEAKER:
      return en ? "sneakers" : "运动鞋";
    case common::CATEGORY_BAG:
      return en ? "bags" : "包";
    case common::CATEGORY_ANKLE_BOOT:
      return en ? "ankle boots" : "短靴";
    default:
      return "";
  }
}

std::string ReasonText(const ReasonFacts& facts, ReasonLanguage language) {
  const bool en = language == ReasonLanguage::kEnglish;
  const std::string title = Shorten(facts.cited_title);
  switch (facts.type) {
    case v1::REASON_TYPE_SIMILAR_TO_HISTORY:
      if (!title.empty()) {
        return en ? absl::StrCat("because you viewed ", title)
                  : absl::StrCat("因为你看过「", title, "」");
      }
      break;
    case v1::REASON_TYPE_SIMILAR_TO_CONTEXT:
      if (!title.empty()) {
        return en ? absl::StrCat("goes with ", title) : absl::StrCat("与「", title, "」搭配");
      }
      break;
    case v1::REASON_TYPE_SIMILAR_TO_ITEM:
      if (!title.empty()) {
        return en ? absl::StrCat("similar to ", title) : absl::StrCat("与「", title, "」相似");
      }
      break;
    case v1::REASON_TYPE_POPULAR:
    case v1::REASON_TYPE_POPULAR_IN_CATEGORY:
      return Popular(facts.category, language);
    case v1::REASON_TYPE_SIMILAR_USERS:
      return en ? "liked by people with similar taste" : "和你口味相似的人也喜欢";
    case v1::REASON_TYPE_ATTRIBUTE_MATCH:
      if (!facts.token.empty()) {
        const std::string value = Shorten(TokenValue(facts.token));
        return en ? absl::StrCat("matches your interest in ", value)
                  : absl::StrCat("你常看的「", value, "」");
      }
      break;
    case v1::REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY:
      if (const std::string name = CategoryName(facts.category, language); !name.empty()) {
        return en ? absl::StrCat("new in ", name, ", a category you like")
                  : absl::StrCat("你喜欢的「", name, "」上新了");
      }
      break;
    case v1::REASON_TYPE_EXPLORATION:
      return en ? "something new to discover" : "发现新鲜好物";
    default:
      break;
  }
  return en ? "picked for your taste" : "根据你的兴趣推荐";
}

}  // namespace aigc::recommender
