#include "services/copywriter/corpus/qa_composer.h"

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/catalog/money.h"
#include "common/catalog/vocabulary.h"
#include "services/copywriter/corpus/copy_composer.h"
#include "services/copywriter/corpus/facts.h"
#include "services/copywriter/corpus/internal/phrasing.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using internal::SlotValues;
using Phrasings = std::vector<std::string_view>;

constexpr std::array<cv1::Intent, 10> kIntents = {
    cv1::INTENT_PRICE,     cv1::INTENT_SIZE_FIT, cv1::INTENT_MATERIAL, cv1::INTENT_STOCK,
    cv1::INTENT_SHIPPING,  cv1::INTENT_DISCOUNT, cv1::INTENT_CARE,     cv1::INTENT_GREETING,
    cv1::INTENT_COMPLAINT, cv1::INTENT_OTHER,
};

// Questions by intent (index = Intent − 1).
using QuestionTable = std::array<Phrasings, 10>;

const QuestionTable& ZhQuestions() {
  static const auto* const kTable = new QuestionTable{{
      {"多少钱呀", "多少钱", "这个什么价", "价格多少", "现在多少钱一件", "到手多少钱",
       "主播这个多少米", "几块钱呀", "报个价呗", "链接里多少钱", "{color}的多少钱", "这款贵不贵",
       "价格是多少呀主播", "多钱", "现在买多少钱"},
      {"宝宝{height}穿什么码", "{height}/{weight}斤穿什么码", "我{height}cm穿哪个码",
       "偏大还是偏小", "尺码准吗", "有{size}码吗", "平时穿{size}选哪个", "码数标准吗", "有哪些尺码",
       "尺码怎么选", "会不会偏小", "{weight}斤能穿吗", "小个子能穿吗", "主播{size}码合适我吗",
       "尺码偏不偏"},
      {"是什么面料", "什么材质的", "是{guess}的吗", "面料怎么样", "什么料子", "面料是什么呀",
       "材质说一下", "用的什么材料", "主播这个是什么面料的", "面料成分是什么", "啥材质",
       "这个是{guess}吗"},
      {"还有货吗", "还有吗", "{size}码还有吗", "{color}还有吗", "有现货吗", "库存多少", "还能拍吗",
       "卖完了吗", "还剩多少件", "是不是没货了", "拍不了了吗", "{color}{size}码还有没有"},
      {"什么时候发货", "几天能到", "包邮吗", "发什么快递", "今天拍什么时候发", "能顺丰吗",
       "偏远地区包邮吗", "多久发货呀", "发货快吗", "拍了多久能收到", "运费多少"},
      {"有没有券", "有优惠吗", "能便宜点吗", "有满减吗", "有折扣吗", "优惠券在哪领", "粉丝有优惠吗",
       "还能再便宜吗", "有活动吗", "今天有什么福利", "有没有折扣呀主播"},
      {"能机洗吗", "怎么洗", "好打理吗", "能水洗吗", "需要干洗吗", "怎么保养", "洗护有什么要注意的",
       "可以放洗衣机吗", "平时怎么清洁", "洗的时候要注意啥"},
      {"主播好", "主播晚上好", "来了来了", "哈喽", "刚来，大家好", "主播好漂亮", "打卡", "又来啦",
       "主播辛苦了", "晚上好呀", "hello主播", "来捧场啦"},
      {"上次买的开线了怎么办", "收到的货有色差", "洗了一次就褪色了", "快递太慢了", "客服一直不回",
       "收到的货是坏的", "尺码发错了怎么办", "质量太差了吧", "我要退货", "包装破了",
       "等了一周还没发货", "买的东西有线头，怎么处理"},
      {"主播多高", "能开发票吗", "下一款是什么", "什么时候上新", "有直播回放吗", "主播是哪里人",
       "怎么关注店铺", "可以定制吗", "有实体店吗", "主播用的什么手机", "几点下播"},
  }};
  return *kTable;
}

const QuestionTable& EnQuestions() {
  static const auto* const kTable = new QuestionTable{{
      {"how much?", "what's the price", "price please", "how much is it", "how much in {color}?",
       "how much after discount", "cost?", "what does it cost"},
      {"I'm {height} cm, which size?", "does it run small?", "is the sizing accurate?",
       "do you have {size}?", "what sizes are there", "which size should I get",
       "does it run large", "true to size?"},
      {"what material is it?", "is it {guess}?", "what's it made of", "fabric?",
       "what fabric is this", "is this {guess}", "material please"},
      {"still in stock?", "any left?", "is {size} available?", "do you have {color}?", "sold out?",
       "how many left", "can I still order", "is {color} in stock"},
      {"when does it ship?", "free shipping?", "how long is delivery", "which courier?",
       "if I order today when will it ship", "shipping cost?", "how fast is shipping"},
      {"any coupons?", "any discount?", "can it be cheaper", "any deals today?", "is there a promo",
       "where do I get the coupon", "discount for fans?"},
      {"machine washable?", "how do I wash it", "easy to care for?", "does it need dry cleaning",
       "how to clean it", "care tips?"},
      {"hi host!", "hello everyone", "good evening", "just joined, hi", "hey there",
       "hi, back again", "hello from me"},
      {"the seam came apart on my last order", "my package arrived damaged",
       "wrong size was sent to me", "the colour faded after one wash",
       "customer service never replies", "I want a refund", "still not shipped after a week"},
      {"how tall are you", "can I get an invoice", "what's next?", "when is the next launch",
       "is there a replay", "do you have a physical store", "can it be customised"},
  }};
  return *kTable;
}

// Reply phrasings per case.
enum Reply {
  kPriceOnly,
  kPriceWithDeal,
  kSizes,
  kMaterialPlain,
  kMaterialYes,
  kMaterialNo,
  kInStock,
  kSoldOut,
  kShipping,
  kDeal,
  kDealNoFinal,
  kNoDeal,
  kCare,
  kGreeting,
  kComplaint,
  kHandOff,
  kReplyCount,
};
using ReplyTable = std::array<Phrasings, kReplyCount>;

const ReplyTable& ZhReplies() {
  static const auto* const kTable = new ReplyTable{{
      {"{price}哦，直接拍就行", "这款{price}，喜欢可以下单哦", "现在是{price}",
       "{price}，链接已经上了哦", "宝宝，这款{price}哦"},
      {"标价{price}，{promo}，到手{final}", "现在{promo}，到手价{final}哦",
       "{price}，用{promo}到手{final}", "到手{final}！{promo}"},
      {"有{sizes}，{fit}", "尺码{sizes}，{fit}哦", "{fit}，可选{sizes}", "这款有{sizes}哦",
       "可选{sizes}，拿不准可以问客服"},
      {"是{material}的哦", "面料是{material}", "这款是{material}材质", "{material}的，宝宝放心"},
      {"是的，就是{material}的", "对，这款是{material}", "是{material}没错哦"},
      {"不是哦，这款是{material}的", "这款不是{guess}，是{material}哦", "不是的，面料是{material}"},
      {"还有{stock}件，喜欢的抓紧拍哦", "有货的，目前库存{stock}件",
       "现在还有{stock}件，可以直接拍", "有的，还剩{stock}件"},
      {"这款暂时售罄了，可以先收藏关注补货", "不好意思，这款已经卖完了",
       "目前没货了，可以看看其他款哦"},
      {"{shipping}哦", "{shipping}，放心拍", "发货说明：{shipping}", "宝宝，{shipping}"},
      {"现在有{promo}，到手{final}哦", "{promo}，算下来到手{final}",
       "有的！{promo}，到手价{final}"},
      {"现在有{promo}哦", "有的，{promo}", "目前活动是{promo}"},
      {"这款目前没有额外优惠，直接拍就是{price}", "暂时没有券哦，现价{price}",
       "现在没有活动，{price}"},
      {"{care}哦", "洗护建议：{care}", "建议这样打理：{care}", "{care}，这样能穿得更久"},
      {"欢迎来到直播间！今天给大家介绍这款{noun}，有问题随时问哦", "哈喽宝宝，欢迎欢迎！",
       "欢迎新来的宝宝，点点关注不迷路～", "晚上好呀，正在讲这款{noun}，喜欢可以看看",
       "谢谢支持！有问题随时扣在公屏上"},
      {"非常抱歉给您带来不好的体验，麻烦私信客服留下订单号，我们马上处理",
       "抱歉让您久等了，请联系客服，我们会尽快为您解决",
       "很抱歉！主播已经记下了，稍后客服会联系您处理",
       "实在不好意思，麻烦私信订单号，我们一定跟进到底"},
      {"这个问题稍等，主播马上为您解答", "好问题，稍后主播来回复哦", "收到，等下主播统一回复",
       "这个我帮您问一下，稍等哦"},
  }};
  return *kTable;
}

const ReplyTable& EnReplies() {
  static const auto* const kTable = new ReplyTable{{
      {"It's {price}.", "{price}, and the link is up!", "This one is {price}.",
       "Just {price} right now."},
      {"{price} list, {final} with {promo}.", "With {promo} you pay {final}.",
       "{final} after {promo}!"},
      {"Sizes {sizes}, {fit}.", "We have {sizes}; {fit}.", "{fit}, sizes {sizes}.",
       "Available in {sizes}."},
      {"It's {material}.", "Made of {material}.", "This one is {material}."},
      {"Yes, it's {material}.", "Yes, {material} indeed."},
      {"No, it's {material}.", "Not {guess}, it's {material}."},
      {"Yes, {stock} left!", "In stock, {stock} pieces left.", "{stock} left, go grab it!"},
      {"Sorry, it's sold out right now.", "This one is sold out, sorry!"},
      {"{shipping}.", "Good question: {shipping}."},
      {"Yes! {promo}, so you pay {final}.", "With {promo} it's {final}."},
      {"Yes, {promo} right now.", "Current deal: {promo}."},
      {"No extra discount right now, it's {price}.", "No coupon at the moment, {price}."},
      {"{care}.", "Care tip: {care}."},
      {"Welcome! We're showing the {noun}, ask me anything.", "Hi, welcome to the stream!",
       "Hello and welcome, glad you're here!"},
      {"So sorry about that! Please message support with your order number.",
       "Sorry for the trouble, our support team will contact you soon.",
       "Apologies! Please send us your order number and we'll fix it."},
      {"Good question, the host will answer shortly.", "One moment, the host will get back to you.",
       "Let me check that for you, one moment."},
  }};
  return *kTable;
}

bool English(v1::Language language) { return language == v1::LANGUAGE_EN; }

class QaComposer {
 public:
  QaComposer(const cv1::ProductKnowledge& knowledge, v1::Language language, catalog::Rng& rng)
      : knowledge_(knowledge),
        facts_(LocalizedFacts(knowledge.product(), language)),
        language_(language),
        replies_(English(language) ? EnReplies() : ZhReplies()),
        rng_(rng) {
    const auto localized = [language](const std::string& text) {
      return catalog::LocalizedName(text, language);
    };
    values_["price"] = facts_.price;
    values_["material"] = facts_.material;
    values_["noun"] = facts_.noun;
    values_["sizes"] = absl::StrJoin(facts_.sizes, "/");
    values_["fit"] = localized(knowledge.size_fit_notes());
    values_["shipping"] = localized(knowledge.shipping_info());
    values_["care"] = localized(knowledge.care_instructions());
    if (facts_.stock) values_["stock"] = absl::StrCat(*facts_.stock);
    // The deal quoted: the first promotion with a final price, else all of
    // them without one.
    std::vector<std::string> all_deals;
    for (const cv1::Promotion& promotion : knowledge.promotions()) {
      all_deals.push_back(localized(promotion.description()));
      if (promotion.has_final_price() && !values_.contains("final")) {
        values_["promo"] = all_deals.back();
        values_["final"] = catalog::FormatPrice(promotion.final_price(), language);
      }
    }
    if (!values_.contains("promo")) values_["promo"] = internal::JoinList(all_deals, language);
    // Question slots.
    if (!facts_.sizes.empty()) values_["size"] = rng_.Pick(facts_.sizes);
    if (!facts_.colors.empty()) values_["color"] = rng_.Pick(facts_.colors);
    values_["height"] = absl::StrCat(rng_.Between(150, 180));
    values_["weight"] = absl::StrCat(rng_.Between(85, 150));
    const bool guess_right = rng_.Chance(50) || facts_.material.empty();
    values_["guess"] = guess_right ? facts_.material
                                   : catalog::InLanguage(rng_.Pick(catalog::Materials()), language);
  }

  QaPair Compose(cv1::Intent intent) {
    if (intent < cv1::INTENT_PRICE || intent > cv1::INTENT_OTHER) intent = cv1::INTENT_OTHER;
    const QuestionTable& questions = English(language_) ? EnQuestions() : ZhQuestions();
    QaPair pair;
    pair.intent = intent;
    pair.question = internal::PickFilled(questions[intent - 1], values_, rng_).value_or("");
    const std::optional<Reply> reply = Choose(intent, pair.question);
    pair.hand_off = IsHandOff(reply);
    pair.reply = Say(reply.value_or(kHandOff));
    return pair;
  }

  // Whether a question of `intent` gets a reply stating the knowledge's facts.
  bool Answerable(cv1::Intent intent) const { return !IsHandOff(Choose(intent, "")); }

 private:
  static bool IsHandOff(const std::optional<Reply>& reply) {
    return !reply || *reply == kComplaint || *reply == kHandOff;
  }

  bool Has(std::string_view slot) const {
    const auto it = values_.find(slot);
    return it != values_.end() && !it->second.empty();
  }

  // The reply case for `intent`; nullopt when the knowledge lacks the fact.
  std::optional<Reply> Choose(cv1::Intent intent, const std::string& question) const {
    switch (intent) {
      case cv1::INTENT_PRICE:
        if (!Has("price")) return std::nullopt;
        return Has("final") ? kPriceWithDeal : kPriceOnly;
      case cv1::INTENT_SIZE_FIT:
        if (!Has("sizes") && !Has("fit")) return std::nullopt;
        return kSizes;
      case cv1::INTENT_MATERIAL: {
        if (!Has("material")) return std::nullopt;
        const std::string& guess = values_.at("guess");
        if (question.find(guess) == std::string::npos) return kMaterialPlain;
        return guess == facts_.material ? kMaterialYes : kMaterialNo;
      }
      case cv1::INTENT_STOCK:
        if (!facts_.stock) return std::nullopt;
        return *facts_.stock > 0 ? kInStock : kSoldOut;
      case cv1::INTENT_SHIPPING:
        if (!Has("shipping")) return std::nullopt;
        return kShipping;
      case cv1::INTENT_DISCOUNT:
        if (knowledge_.promotions_size() == 0) {
          return Has("price") ? std::optional<Reply>(kNoDeal) : std::nullopt;
        }
        return Has("final") ? kDeal : kDealNoFinal;
      case cv1::INTENT_CARE:
        if (!Has("care")) return std::nullopt;
        return kCare;
      case cv1::INTENT_GREETING:
        return kGreeting;
      case cv1::INTENT_COMPLAINT:
        return kComplaint;
      default:
        return kHandOff;
    }
  }

  // A phrasing of `reply` that fills and fits kMaxReplyChars (else the
  // shortest that fills).
  std::string Say(Reply reply) {
    const Phrasings& phrasings = replies_[reply];
    const size_t start = rng_.Below(phrasings.size());
    std::optional<std::string> shortest;
    for (size_t i = 0; i < phrasings.size(); ++i) {
      auto text = internal::Fill(phrasings[(start + i) % phrasings.size()], values_);
      if (!text) continue;
      if (English(language_)) *text = internal::Capitalize(*std::move(text));
      if (CodePoints(*text) <= kMaxReplyChars) return *std::move(text);
      if (!shortest || CodePoints(*text) < CodePoints(*shortest)) shortest = std::move(text);
    }
    return shortest.value_or("");
  }

  const cv1::ProductKnowledge& knowledge_;
  ProductFacts facts_;
  v1::Language language_;
  const ReplyTable& replies_;
  catalog::Rng& rng_;
  SlotValues values_;
};

}  // namespace

std::span<const cv1::Intent> AllIntents() { return kIntents; }

bool KnowledgeAnswers(const cv1::ProductKnowledge& knowledge, cv1::Intent intent) {
  catalog::Rng unused(0);  // only the question slots draw from it
  return QaComposer(knowledge, v1::LANGUAGE_ZH, unused).Answerable(intent);
}

std::string HandOffReply(v1::Language language) {
  return std::string((English(language) ? EnReplies() : ZhReplies())[kHandOff].front());
}

QaPair ComposeQa(const cv1::ProductKnowledge& knowledge, cv1::Intent intent, v1::Language language,
                 catalog::Rng& rng) {
  return QaComposer(knowledge, language, rng).Compose(intent);
}

}  // namespace aigc::copy_corpus
