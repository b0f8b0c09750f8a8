#include "services/copywriter/corpus/copy_composer.h"

#include <array>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "services/copywriter/corpus/facts.h"
#include "services/copywriter/corpus/internal/phrasing.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using internal::SlotValues;
using Phrasings = std::vector<std::string_view>;

enum Slot {
  kGreet,      // e-mail salutation
  kOpen,       // opening line
  kMaterial,   // {material}
  kFeature,    // {features}
  kColor,      // {colors}, {ncolors}
  kSize,       // {sizes}
  kSeason,     // {seasons} (specific seasons)
  kAllYear,    // {seasons} == 四季通用 / all year round
  kPrice,      // {price}
  kHighlight,  // {highlight}
  kClose,      // closing line
  kSubject,    // e-mail subject
  kSlotCount,
};

// Phrasings by slot, then style (concise, lively, premium).
using StyleTable = std::array<std::array<Phrasings, 3>, kSlotCount>;

const StyleTable& ZhTable() {
  static const auto* const kTable = new StyleTable{{
      // kGreet
      {{{"您好，", "你好，", "尊敬的顾客，您好。"},
        {"亲爱的，", "哈喽亲爱的～", "嗨，好久不见！", "亲，"},
        {"尊敬的顾客：", "致每一位讲究生活的您：", "尊敬的会员，您好。"}}},
      // kOpen
      {{{"{brand}{noun}，{features}。", "这款{noun}来自{brand}。", "{brand}新款{noun}。",
         "{noun}上新，{tag}风格。", "{brand}出品{noun}。", "日常实穿的{noun}。",
         "一款{tag}风的{noun}。", "{brand}{noun}，款式简洁。", "推荐{brand}{noun}。"},
        {"姐妹们看过来！这款{noun}也太好看了吧～", "冲鸭！{brand}的{noun}上新啦～",
         "谁懂啊，这款{noun}一穿就爱上！", "挖到宝了！{brand}{noun}真的很可以～",
         "今天安利一款{tag}风{noun}！", "心动预警！这款{noun}颜值在线～", "一眼心动的{noun}来啦！",
         "种草时间到！{brand}{noun}走起～", "救命，这款{noun}好好看！", "又来给大家种草{noun}啦！"},
        {"{brand}呈现{noun}，以{material}诠释质感。", "源自{brand}的{noun}，低调而考究。",
         "{brand}{noun}，于细节处见用心。", "以{material}为底，{brand}{noun}尽显从容。",
         "一件{noun}，一份对品质的坚持。", "{brand}{noun}，为讲究的日常而作。",
         "克制的设计，经得起时间的{noun}。", "{brand}新作：{tag}{noun}。"}}},
      // kMaterial
      {{{"{material}材质。", "采用{material}。", "材质为{material}。", "主体材质：{material}。",
         "{material}制成。", "选用{material}材质。"},
        {"{material}材质，上身超舒服！", "用的是{material}，手感超赞～",
         "{material}做的，日常穿超省心！", "摸起来是{material}的质感，爱了爱了～",
         "{material}材质，穿上就不想脱！", "{material}的，舒服到飞起～"},
        {"甄选{material}，触感细腻。", "以{material}裁制，质感沉稳。",
         "{material}材质，温润而有质感。", "选用{material}，经久耐看。",
         "{material}之选，成就从容质感。", "{material}为材，细节考究。"}}},
      // kFeature
      {{{"{features}设计。", "细节：{features}。", "款式为{features}。", "{features}，利落实穿。",
         "版型细节：{features}。"},
        {"{features}的设计，超显气质！", "{features}，谁穿谁好看～", "{features}这个细节我真的爱！",
         "{features}，随便一搭就出片！", "{features}，上身效果绝绝子！"},
        {"{features}，线条干净利落。", "{features}的处理，彰显克制美学。",
         "细节见{features}，低调耐看。", "{features}，于简约中见格调。",
         "以{features}勾勒轮廓，从容有度。"}}},
      // kColor
      {{{"颜色：{colors}。", "可选{colors}。", "有{colors}可选。", "共{ncolors}色：{colors}。",
         "颜色有{colors}。"},
        {"{colors}都超好看，选择困难症犯了！", "颜色有{colors}，每个都想要～",
         "{colors}，闭眼入都不会错！", "有{colors}，总有一款是你的菜！",
         "{ncolors}个颜色：{colors}，挑花眼啦～"},
        {"提供{colors}，色调雅致。", "{colors}，每一种都经得起细看。",
         "色系涵盖{colors}，沉静而耐看。", "{colors}可选，低调中见品味。",
         "{ncolors}种色调：{colors}。"}}},
      // kSize
      {{{"尺码：{sizes}。", "尺码有{sizes}。", "可选尺码：{sizes}。", "提供{sizes}。"},
        {"尺码有{sizes}，挑好就下单吧！", "尺码：{sizes}，快去选你的码～",
         "可选{sizes}，赶紧挑起来！", "{sizes}任你挑，冲！"},
        {"尺码涵盖{sizes}。", "提供尺码：{sizes}。", "尺码：{sizes}，从容选择。",
         "可选尺码为{sizes}。"}}},
      // kSeason
      {{{"适合{seasons}。", "{seasons}可穿。", "季节：{seasons}。", "适用季节：{seasons}。"},
        {"{seasons}穿超合适！", "{seasons}穿刚刚好～", "到了{seasons}就穿它！",
         "{seasons}出门就靠它啦！"},
        {"为{seasons}而设。", "{seasons}之选。", "适宜{seasons}穿着。", "{seasons}，从容相伴。"}}},
      // kAllYear
      {{{"{seasons}。", "季节：{seasons}。", "适用季节：{seasons}。"},
        {"{seasons}，一年到头都能用！", "{seasons}，买一件顶好几季～",
         "{seasons}，春夏秋冬都不闲着！"},
        {"{seasons}，不为季节所限。", "{seasons}，历久常新。", "{seasons}，四时皆宜。"}}},
      // kPrice
      {{{"售价{price}。", "价格{price}。", "现价{price}。", "标价{price}。", "单价{price}。"},
        {"只要{price}！冲！", "{price}就能带回家～", "才{price}，很划算！", "{price}入手，真香！",
         "价格{price}，心动不如行动！"},
        {"售价{price}。", "定价{price}。", "{price}，值得拥有。", "以{price}，收藏一份质感。"}}},
      // kHighlight
      {{{"卖点：{highlight}。", "特色：{highlight}。", "亮点：{highlight}。"},
        {"{highlight}，真的戳中我了！", "重点是{highlight}！", "{highlight}，懂的都懂～"},
        {"{highlight}，是它的独到之处。", "尤为出众的是{highlight}。", "{highlight}，细品方知。"}}},
      // kClose
      {{{"欢迎选购。", "按需选购。", "详情见参数。", "欢迎咨询。"},
        {"喜欢就冲吧！", "姐妹们快去下单～", "还等什么，快加购物车！", "冲冲冲！", "赶紧安排上！"},
        {"静候懂得的你。", "为品质生活添一份从容。", "值得细细品味。", "与你共度每个日常。"}}},
      // kSubject
      {{{"{brand}{noun}上新", "新品推荐：{brand}{noun}", "{noun}上新｜{material}",
         "{brand}新品：{noun}", "新品{noun}推荐"},
        {"叮！你的{noun}上新提醒～", "{brand}{noun}来啦，快来看！", "好看的{noun}上新啦！",
         "这款{material}{noun}，速来围观！"},
        {"{brand}｜{noun}新品鉴赏", "致讲究的你：{brand}{noun}", "{brand}新作：{material}{noun}",
         "{brand}{noun}，质感上新", "{noun}，质感上新"}}},
  }};
  return *kTable;
}

const StyleTable& EnTable() {
  static const auto* const kTable = new StyleTable{{
      // kGreet
      {{{"Hello,", "Hi there,", "Dear customer,"},
        {"Hey you!", "Hi friend!", "Guess what?"},
        {"Dear valued customer,", "Dear member,", "To our discerning customers,"}}},
      // kOpen
      {{{"The {brand} {noun}: {features}.", "New from {brand}: the {noun}.",
         "Introducing the {brand} {noun}.", "The {tag} {noun} for every day.",
         "Meet the {brand} {noun}.", "Everyday ease: the {noun}."},
        {"Say hello to your new favourite {noun}!", "Fresh drop: the {brand} {noun} is here!",
         "Okay, the {tag} {noun}? Seriously cute!", "Style alert: the {brand} {noun} just landed!",
         "You will love the {brand} {noun}!", "Just arrived: the {tag} {noun}!"},
        {"{brand} presents the {noun}, crafted in {material}.",
         "The {brand} {noun}, quietly refined.", "From {brand}: the {noun}, made with care.",
         "Understated and considered: the {brand} {noun}.",
         "For a considered wardrobe: the {brand} {noun}.",
         "The {brand} {noun}, where detail matters."}}},
      // kMaterial
      {{{"Made of {material}.", "Material: {material}.", "Crafted from {material}.",
         "It is made of {material}."},
        {"Soft {material} you will want to live in!", "Made of {material} and so comfy!",
         "{material} all the way, so easy to wear!", "That {material} feel? Love it!"},
        {"Cut from fine {material}.", "Crafted in {material} with a refined hand.",
         "{material}, chosen for its quiet quality.", "Made in {material} to last."}}},
      // kFeature
      {{{"Details: {features}.", "Design: {features}.", "Features {features}.",
         "Style notes: {features}."},
        {"{features} make it so easy to style!", "Loving the {features}!",
         "{features}? Yes please!", "Those {features} details are everything!"},
        {"{features}, with clean lines.", "Defined by {features}.", "Details include {features}.",
         "{features}, understated and precise."}}},
      // kColor
      {{{"Colours: {colors}.", "Available in {colors}.", "Comes in {colors}.",
         "{ncolors} colours: {colors}."},
        {"Pick from {colors}, or grab them all!", "Comes in {colors}, so hard to choose!",
         "{colors}: which one is yours?", "{ncolors} shades to love: {colors}!"},
        {"Offered in {colors}.", "Available in {colors}, each one considered.",
         "A palette of {colors}.", "In {colors}."}}},
      // kSize
      {{{"Sizes: {sizes}.", "Available sizes: {sizes}.", "Sizes {sizes}."},
        {"Sizes {sizes}, go find yours!", "Grab it in {sizes}!",
         "Sizes {sizes} are ready for you!"},
        {"Offered in sizes {sizes}.", "Sizes: {sizes}.", "Available in sizes {sizes}."}}},
      // kSeason
      {{{"For {seasons}.", "Season: {seasons}.", "Made for {seasons}."},
        {"Your go-to for {seasons}!", "Ready for {seasons}!", "Made for {seasons} days!"},
        {"Designed for {seasons}.", "An easy companion for {seasons}.",
         "Intended for {seasons}."}}},
      // kAllYear
      {{{"Wear it {seasons}.", "Season: {seasons}.", "Works {seasons}."},
        {"Wear it {seasons}!", "Works {seasons}, no breaks!", "Good to go {seasons}!"},
        {"Made to be worn {seasons}.", "A piece for {seasons}.", "Timeless, {seasons}."}}},
      // kPrice
      {{{"Price: {price}.", "Priced at {price}.", "Now {price}.", "{price}."},
        {"Just {price}!", "Yours for {price}!", "Only {price}, treat yourself!",
         "{price} and it is yours!"},
        {"Priced at {price}.", "{price}.", "Offered at {price}.", "Yours at {price}."}}},
      // kHighlight
      {{{"Highlight: {highlight}.", "Key point: {highlight}.", "Notable: {highlight}."},
        {"And the {highlight}? Love it!", "Big yes to the {highlight}!",
         "The {highlight} is a win!"},
        {"Of note: {highlight}.", "A distinctive touch: {highlight}.",
         "Quietly distinctive: {highlight}."}}},
      // kClose
      {{{"Order now.", "Shop today.", "See the details below."},
        {"Add it to your cart now!", "Go get it!", "Treat yourself today!"},
        {"Made for those who notice.", "Discover it today.", "A quiet luxury for every day."}}},
      // kSubject
      {{{"New in: the {brand} {noun}", "Just arrived: {brand} {noun}",
         "New {material} {noun} from {brand}", "New in: the {noun}"},
        {"Your new {noun} is here!", "Fresh drop: {brand} {noun}!", "Meet your next {noun}!"},
        {"{brand} | The {noun}, newly arrived", "For the discerning: the {brand} {noun}",
         "The {material} {noun} by {brand}", "The {noun}, newly arrived"}}},
  }};
  return *kTable;
}

bool English(v1::Language language) { return language == v1::LANGUAGE_EN; }

int StyleIndex(cv1::CopyStyle style) {
  switch (style) {
    case cv1::COPY_STYLE_LIVELY:
      return 1;
    case cv1::COPY_STYLE_PREMIUM:
      return 2;
    default:
      return 0;
  }
}

// A sentence of a text being composed, with the slot it fills.
struct Sentence {
  Slot slot;
  std::string text;
};

class Composer {
 public:
  Composer(const v1::Product& product, cv1::CopyStyle style, v1::Language language,
           std::span<const std::string> highlights, catalog::Rng& rng)
      : facts_(LocalizedFacts(product, language)),
        table_(English(language) ? EnTable() : ZhTable()),
        style_(StyleIndex(style)),
        language_(language),
        rng_(rng) {
    values_["brand"] = facts_.brand;
    values_["noun"] = facts_.noun;
    values_["material"] = facts_.material;
    values_["colors"] = internal::JoinList(facts_.colors, language);
    if (!facts_.colors.empty()) values_["ncolors"] = absl::StrCat(facts_.colors.size());
    values_["sizes"] = absl::StrJoin(facts_.sizes, "/");
    values_["seasons"] = internal::JoinList(facts_.seasons, language);
    values_["price"] = facts_.price;
    // At most two features per sentence keeps sentences readable.
    std::vector<std::string> features = facts_.features;
    if (features.size() > 2) {
      const size_t first = rng_.Below(features.size() - 1);
      features = {features[first], features[first + 1]};
    }
    values_["features"] = internal::JoinList(features, language);
    if (!facts_.tags.empty()) values_["tag"] = rng_.Pick(facts_.tags);
    std::vector<std::string> stated;
    for (const std::string& highlight : highlights) {
      if (!highlight.empty()) stated.push_back(highlight);
    }
    values_["highlight"] = internal::JoinList(stated, language);
  }

  // The sentence for `slot`, or nothing when no phrasing fits the facts.
  std::optional<Sentence> Say(Slot slot) {
    if (slot == kSeason && facts_.all_year) slot = kAllYear;
    auto text = internal::PickFilled(table_[slot][style_], values_, rng_);
    if (!text) return std::nullopt;
    if (English(language_)) *text = internal::Capitalize(*std::move(text));
    return Sentence{slot, *std::move(text)};
  }

  // Sentences for `slots` in order, dropping the least important (by
  // `drop_order`) until the joined text has at most `max_chars` characters.
  std::string Paragraph(std::initializer_list<Slot> slots, std::initializer_list<Slot> drop_order,
                        int max_chars, absl::string_view suffix = "") {
    std::vector<Sentence> sentences;
    for (const Slot slot : slots) {
      if (auto sentence = Say(slot)) sentences.push_back(*std::move(sentence));
    }
    std::string text = Join(sentences, suffix);
    for (const Slot drop : drop_order) {
      if (CodePoints(text) <= max_chars) break;
      std::erase_if(sentences, [drop](const Sentence& s) {
        return s.slot == drop || (drop == kSeason && s.slot == kAllYear);
      });
      text = Join(sentences, suffix);
    }
    return text;
  }

  std::string Hashtags() const {
    std::vector<std::string> tags;
    for (const std::string& tag : facts_.tags) tags.push_back(absl::StrCat("#", NoSpaces(tag)));
    tags.push_back(absl::StrCat("#", NoSpaces(facts_.noun)));
    return absl::StrJoin(tags, " ");
  }

  // Space-separated search keywords: brand, material + noun, features, tags,
  // seasons, colours, price-free (prices change faster than titles).
  std::string Keywords() {
    const absl::string_view space = English(language_) ? " " : "";
    std::vector<std::string> head;
    if (!facts_.brand.empty()) head.push_back(facts_.brand);
    head.push_back(
        absl::StrCat(facts_.material, facts_.material.empty() ? "" : space, facts_.noun));
    std::vector<std::string> rest;
    for (const auto* list : {&facts_.features, &facts_.tags, &facts_.seasons}) {
      rest.insert(rest.end(), list->begin(), list->end());
    }
    // Shuffle the descriptive keywords so titles vary; colours come last and
    // are the first to go when the title is too long.
    for (size_t i = rest.size(); i > 1; --i) std::swap(rest[i - 1], rest[rng_.Below(i)]);
    rest.insert(rest.end(), facts_.colors.begin(), facts_.colors.end());
    const absl::string_view separator = rng_.Chance(50) || English(language_) ? " " : "｜";
    std::vector<std::string> words = head;
    for (const std::string& word : rest) {
      words.push_back(word);
      if (CodePoints(absl::StrJoin(words, separator)) > kSeoTitleMaxChars) {
        words.pop_back();
        break;
      }
    }
    return absl::StrJoin(words, separator);
  }

 private:
  static std::string NoSpaces(absl::string_view text) {
    return absl::StrReplaceAll(text, {{" ", ""}, {"-", ""}, {"/", ""}});
  }

  std::string Join(const std::vector<Sentence>& sentences, absl::string_view suffix) const {
    std::vector<absl::string_view> texts;
    for (const Sentence& sentence : sentences) texts.push_back(sentence.text);
    std::string text = absl::StrJoin(texts, English(language_) ? " " : "");
    if (!suffix.empty()) absl::StrAppend(&text, " ", suffix);
    return text;
  }

  ProductFacts facts_;
  SlotValues values_;
  const StyleTable& table_;
  int style_;
  v1::Language language_;
  catalog::Rng& rng_;
};

}  // namespace

int CodePoints(std::string_view text) {
  int count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string ComposeCopy(const v1::Product& product, cv1::CopyStyle style, cv1::Channel channel,
                        v1::Language language, std::span<const std::string> highlights,
                        catalog::Rng& rng) {
  Composer composer(product, style, language, highlights, rng);
  switch (channel) {
    case cv1::CHANNEL_SOCIAL_POST: {
      const Slot fact = rng.Chance(50) ? kMaterial : kFeature;
      return composer.Paragraph({kOpen, fact, kColor, kPrice, kHighlight},
                                {kHighlight, kColor, fact, kOpen}, kSocialPostMaxChars,
                                composer.Hashtags());
    }
    case cv1::CHANNEL_SEO_TITLE:
      return composer.Keywords();
    case cv1::CHANNEL_EMAIL: {
      const auto subject = composer.Say(kSubject);
      const std::string body = composer.Paragraph(
          {kGreet, kOpen, kMaterial, kFeature, kColor, kSize, kSeason, kPrice, kHighlight, kClose},
          {kClose, kHighlight, kSeason, kFeature, kGreet, kOpen}, kEmailBodyMaxChars);
      // Every subject table has noun-only phrasings, so a subject always fills.
      return absl::StrCat(subject ? subject->text : std::string(), "\n\n", body);
    }
    default:
      return composer.Paragraph(
          {kOpen, kMaterial, kFeature, kColor, kSize, kSeason, kPrice, kHighlight, kClose},
          {kClose, kHighlight, kSeason, kFeature, kOpen}, kDetailPageMaxChars);
  }
}

}  // namespace aigc::copy_corpus
