#include "services/copywriter/corpus/prompt.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/catalog/money.h"
#include "common/catalog/vocabulary.h"
#include "services/copywriter/corpus/facts.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;

bool English(v1::Language language) { return language == v1::LANGUAGE_EN; }

// Collects "key:value" fields of one line; empty values are skipped.
class Line {
 public:
  explicit Line(v1::Language language) : english_(English(language)) {}

  // Adds the field with the key of the line's language.
  Line& Add(absl::string_view zh_key, absl::string_view en_key, absl::string_view value) {
    if (!value.empty()) fields_.push_back(absl::StrCat(english_ ? en_key : zh_key, ":", value));
    return *this;
  }
  Line& Add(absl::string_view zh_key, absl::string_view en_key,
            const std::vector<std::string>& values) {
    return Add(zh_key, en_key, absl::StrJoin(values, "/"));
  }
  std::string Text() const { return absl::StrJoin(fields_, " "); }

 private:
  bool english_;
  std::vector<std::string> fields_;
};

// Joins the non-empty lines with "\n".
std::string JoinLines(std::vector<std::string> lines) {
  std::erase_if(lines, [](const std::string& line) { return line.empty(); });
  return absl::StrJoin(lines, "\n");
}

}  // namespace

std::string StyleName(cv1::CopyStyle style, v1::Language language) {
  switch (style) {
    case cv1::COPY_STYLE_CONCISE:
      return English(language) ? "concise" : "简洁";
    case cv1::COPY_STYLE_LIVELY:
      return English(language) ? "lively" : "活泼";
    case cv1::COPY_STYLE_PREMIUM:
      return English(language) ? "premium" : "高端";
    default:
      return "";
  }
}

std::string ChannelName(cv1::Channel channel, v1::Language language) {
  switch (channel) {
    case cv1::CHANNEL_DETAIL_PAGE:
      return English(language) ? "detail" : "详情页";
    case cv1::CHANNEL_SOCIAL_POST:
      return English(language) ? "social" : "社交媒体";
    case cv1::CHANNEL_SEO_TITLE:
      return English(language) ? "seo" : "搜索";
    case cv1::CHANNEL_EMAIL:
      return English(language) ? "email" : "邮件";
    default:
      return "";
  }
}

std::string RenderCopyPrompt(const v1::Product& product, cv1::CopyStyle style, cv1::Channel channel,
                             v1::Language language, std::span<const std::string> highlights) {
  if (style == cv1::COPY_STYLE_UNSPECIFIED) style = cv1::COPY_STYLE_CONCISE;
  if (channel == cv1::CHANNEL_UNSPECIFIED) channel = cv1::CHANNEL_DETAIL_PAGE;
  const ProductFacts facts = LocalizedFacts(product, language);
  std::vector<std::string> stated;
  for (const std::string& highlight : highlights) {
    if (!highlight.empty()) stated.push_back(highlight);
  }
  return JoinLines({
      Line(language)
          .Add("任务", "task", English(language) ? "copy" : "文案")
          .Add("风格", "style", StyleName(style, language))
          .Add("渠道", "channel", ChannelName(channel, language))
          .Text(),
      Line(language)
          .Add("品类", "category", facts.category)
          .Add("品牌", "brand", facts.brand)
          .Add("材质", "material", facts.material)
          .Add("颜色", "colors", facts.colors)
          .Add("尺码", "sizes", facts.sizes)
          .Add("季节", "season", facts.seasons)
          .Add("价格", "price", facts.price)
          .Text(),
      Line(language).Add("特点", "features", facts.features).Add("标签", "tags", facts.tags).Text(),
      Line(language).Add("卖点", "highlights", stated).Text(),
  });
}

std::string RenderQaPrompt(const cv1::ProductKnowledge& knowledge, std::string_view question,
                           v1::Language language) {
  const ProductFacts facts = LocalizedFacts(knowledge.product(), language);
  std::vector<std::string> promotions;
  for (const cv1::Promotion& promotion : knowledge.promotions()) {
    std::string text = catalog::LocalizedName(promotion.description(), language);
    if (promotion.has_final_price()) {
      absl::StrAppend(&text, English(language) ? "(final " : "(到手价",
                      catalog::FormatPrice(promotion.final_price(), language), ")");
    }
    promotions.push_back(std::move(text));
  }
  const auto localized = [language](const std::string& text) {
    return catalog::LocalizedName(text, language);
  };
  return JoinLines({
      Line(language).Add("任务", "task", English(language) ? "qa" : "问答").Text(),
      Line(language)
          .Add("品类", "category", facts.category)
          .Add("价格", "price", facts.price)
          .Add("材质", "material", facts.material)
          .Add("颜色", "colors", facts.colors)
          .Add("尺码", "sizes", facts.sizes)
          .Add("库存", "stock", facts.stock ? absl::StrCat(*facts.stock) : "")
          .Text(),
      Line(language).Add("优惠", "deals", absl::StrJoin(promotions, ";")).Text(),
      Line(language).Add("尺码建议", "fit", localized(knowledge.size_fit_notes())).Text(),
      Line(language).Add("发货", "shipping", localized(knowledge.shipping_info())).Text(),
      Line(language).Add("洗护", "care", localized(knowledge.care_instructions())).Text(),
      Line(language).Add("问", "Q", absl::string_view(question.data(), question.size())).Text(),
  });
}

}  // namespace aigc::copy_corpus
