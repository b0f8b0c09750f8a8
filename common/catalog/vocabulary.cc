#include "common/catalog/vocabulary.h"

#include <algorithm>
#include <array>

#include "absl/container/flat_hash_map.h"
#include "glog/logging.h"

namespace aigc::catalog {
namespace {

namespace v1 = ::aigc::common::v1;

// Materials with the index of their care instruction in kCare.
struct MaterialEntry {
  Term material;
  int care;
};

const std::vector<Term>& CareList() {
  static const auto* const kCare = new std::vector<Term>{
      {"可机洗，30℃以下水温", "machine washable at 30°C or below"},
      {"建议手洗，避免暴晒", "hand wash and dry out of direct sun"},
      {"建议手洗或干洗，不可漂白", "hand wash or dry clean, do not bleach"},
      {"建议干洗，平铺晾干", "dry clean and dry flat"},
      {"反面机洗，深浅色分开洗", "machine wash inside out, darks and lights apart"},
      {"建议专业清洗，不可拧干", "professional cleaning, do not wring"},
      {"用软布擦拭，避免水洗", "wipe with a soft cloth, do not wash in water"},
      {"可用软毛刷清洗，阴凉处晾干", "clean with a soft brush and dry in the shade"},
  };
  return *kCare;
}

const std::vector<MaterialEntry>& MaterialTable() {
  static const auto* const kTable = new std::vector<MaterialEntry>{
      {{"纯棉", "cotton"}, 0},       {{"莫代尔", "modal"}, 0},         {{"天丝", "lyocell"}, 0},
      {{"涤纶", "polyester"}, 0},    {{"腈纶", "acrylic"}, 0},         {{"摇粒绒", "fleece"}, 0},
      {{"尼龙", "nylon"}, 0},        {{"亚麻", "linen"}, 1},           {{"真丝", "silk"}, 2},
      {{"雪纺", "chiffon"}, 2},      {{"醋酸", "acetate"}, 2},         {{"羊毛", "wool"}, 3},
      {{"羊绒", "cashmere"}, 3},     {{"牛仔布", "denim"}, 4},         {{"灯芯绒", "corduroy"}, 4},
      {{"羽绒", "duck down"}, 5},    {{"牛皮", "cowhide leather"}, 6}, {{"羊皮", "sheepskin"}, 6},
      {{"人造革", "PU leather"}, 6}, {{"麂皮", "suede"}, 6},           {{"帆布", "canvas"}, 7},
      {{"网面", "mesh"}, 7},         {{"飞织", "flyknit"}, 7},
  };
  return *kTable;
}

// Material term by zh; the category tables below name materials by zh only so
// each material's English and care are written once.
Term M(std::string_view zh) {
  const auto& table = MaterialTable();
  const auto it = std::find_if(table.begin(), table.end(), [zh](const MaterialEntry& entry) {
    return entry.material.zh == zh;
  });
  CHECK(it != table.end()) << "material missing from MaterialTable: " << zh;
  return it->material;
}

constexpr v1::Season kSpring = v1::SEASON_SPRING;
constexpr v1::Season kSummer = v1::SEASON_SUMMER;
constexpr v1::Season kAutumn = v1::SEASON_AUTUMN;
constexpr v1::Season kWinter = v1::SEASON_WINTER;
constexpr v1::Season kAllYear = v1::SEASON_ALL_YEAR;

std::vector<CategoryInfo> BuildCategories() {
  // Shared attribute values (same wording in several categories).
  const Term kCrewNeck{"圆领", "crew neck"};
  const Term kVNeck{"V领", "V-neck"};
  const Term kStandCollar{"立领", "stand collar"};
  const Term kShortSleeves{"短袖", "short sleeves"};
  const Term kLongSleeves{"长袖", "long sleeves"};
  const Term kSlim{"修身", "slim fit"};
  const Term kRelaxed{"宽松", "relaxed fit"};
  const Term kRegular{"常规", "regular fit"};
  const Term kSolid{"纯色", "solid colour"};
  const Term kStriped{"条纹", "striped"};
  const Term kShort{"短款", "short"};
  const Term kMidi{"中长款", "midi"};
  const Term kLong{"长款", "long"};
  const Term kZip{"拉链", "zip"};
  const Term kLaceUp{"系带", "lace-up"};
  const Term kFlat{"平底", "flat"};
  const Term kHeel3{"3厘米跟", "3 cm heel"};
  const Term kHeel5{"5厘米跟", "5 cm heel"};

  // Style tags.
  const Term kCasual{"休闲", "casual"};
  const Term kCommute{"通勤", "commute"};
  const Term kSporty{"运动", "sporty"};
  const Term kMinimal{"简约", "minimalist"};
  const Term kStreet{"街头", "streetwear"};
  const Term kVintage{"复古", "vintage"};
  const Term kKorean{"韩系", "Korean style"};
  const Term kFrench{"法式", "French style"};
  const Term kElegant{"优雅", "elegant"};
  const Term kResort{"度假", "resort"};
  const Term kOutdoor{"户外", "outdoor"};

  // Fit notes.
  const Term kTrueToSize{"版型标准，按平时尺码选择", "true to size, take your usual size"};
  const Term kRunsSmall{"版型偏小，建议拍大一码", "runs small, take one size up"};
  const Term kRunsLarge{"版型偏大，喜欢合身可拍小一码",
                        "runs large, take one size down for a closer fit"};
  const Term kShoeTrue{"鞋码标准，按平时鞋码选择", "true to size, take your usual shoe size"};
  const Term kShoeWide{"鞋楦偏窄，脚宽建议拍大一码", "narrow last, wide feet take one size up"};
  const Term kWaistNote{"按腰围选码，28码约腰围2尺1",
                        "choose by waist, size 28 fits about a 70 cm waist"};
  const Term kBagNote{"均码，可放下手机、钱包和雨伞",
                      "one size, fits a phone, a wallet and an umbrella"};

  const std::vector<std::string> kClothesSizes = {"S", "M", "L", "XL", "XXL"};
  const std::vector<std::string> kTrouserSizes = {"28", "29", "30", "31", "32", "33", "34"};
  const std::vector<std::string> kShoeSizes = {"35", "36", "37", "38", "39",
                                               "40", "41", "42", "43", "44"};

  std::vector<CategoryInfo> categories;
  categories.push_back(
      {v1::CATEGORY_TSHIRT_TOP,
       {"T恤/上衣", "T-shirt/top"},
       {"T恤", "T-shirt"},
       {M("纯棉"), M("莫代尔"), M("亚麻"), M("涤纶"), M("真丝")},
       kClothesSizes,
       {kSpring, kSummer, kAllYear},
       49,
       299,
       {kCasual, kCommute, kSporty, kMinimal, kStreet},
       {kTrueToSize, kRunsLarge},
       {{"collar", {"领型", "collar"}, {kCrewNeck, kVNeck, {"翻领", "polo collar"}}},
        {"sleeve", {"袖长", "sleeves"}, {kShortSleeves, kLongSleeves}},
        {"fit", {"版型", "fit"}, {kSlim, kRelaxed, kRegular}}}});
  categories.push_back(
      {v1::CATEGORY_TROUSER,
       {"裤子", "Trouser"},
       {"长裤", "trousers"},
       {M("纯棉"), M("牛仔布"), M("亚麻"), M("涤纶"), M("灯芯绒"), M("羊毛")},
       kTrouserSizes,
       {kSpring, kSummer, kAutumn, kWinter, kAllYear},
       99,
       499,
       {kCasual, kCommute, kVintage, kStreet, kSporty},
       {kWaistNote, kTrueToSize},
       {{"fit",
         {"版型", "fit"},
         {{"直筒", "straight leg"}, {"阔腿", "wide leg"}, {"锥形", "tapered"}, kSlim}},
        {"rise", {"腰型", "rise"}, {{"高腰", "high rise"}, {"中腰", "mid rise"}}},
        {"length", {"裤长", "length"}, {{"九分", "cropped"}, {"全长", "full length"}}}}});
  categories.push_back(
      {v1::CATEGORY_PULLOVER,
       {"套头衫", "Pullover"},
       {"套头衫", "pullover"},
       {M("羊毛"), M("羊绒"), M("纯棉"), M("腈纶"), M("摇粒绒")},
       kClothesSizes,
       {kSpring, kAutumn, kWinter},
       129,
       899,
       {kCasual, kMinimal, kVintage, kCommute, kKorean},
       {kTrueToSize, kRunsLarge, kRunsSmall},
       {{"collar", {"领型", "collar"}, {kCrewNeck, {"高领", "turtleneck"}, kVNeck}},
        {"knit", {"针法", "knit"}, {{"粗针", "chunky knit"}, {"细针", "fine knit"}}},
        {"fit", {"版型", "fit"}, {kRelaxed, kRegular}}}});
  categories.push_back(
      {v1::CATEGORY_DRESS,
       {"连衣裙", "Dress"},
       {"连衣裙", "dress"},
       {M("雪纺"), M("真丝"), M("纯棉"), M("亚麻"), M("醋酸")},
       kClothesSizes,
       {kSpring, kSummer, kAutumn},
       159,
       999,
       {kFrench, kCommute, kVintage, kElegant, kResort},
       {kTrueToSize, kRunsSmall},
       {{"pattern",
         {"图案", "pattern"},
         {{"碎花", "floral"}, kSolid, kStriped, {"波点", "polka dot"}}},
        {"length", {"裙长", "length"}, {kShort, kMidi, kLong}},
        {"collar", {"领型", "neckline"}, {kVNeck, {"方领", "square neck"}, kCrewNeck}}}});
  categories.push_back({v1::CATEGORY_COAT,
                        {"外套", "Coat"},
                        {"外套", "coat"},
                        {M("羊毛"), M("羊绒"), M("涤纶"), M("羽绒"), M("牛仔布"), M("尼龙")},
                        kClothesSizes,
                        {kSpring, kAutumn, kWinter},
                        299,
                        1999,
                        {kCommute, kCasual, kMinimal, kVintage, kOutdoor},
                        {kTrueToSize, kRunsLarge},
                        {{"length", {"衣长", "length"}, {kShort, kMidi, kLong}},
                         {"closure",
                          {"门襟", "closure"},
                          {{"单排扣", "single-breasted"}, {"双排扣", "double-breasted"}, kZip}},
                         {"collar",
                          {"领型", "collar"},
                          {{"西装领", "notch lapel"}, {"连帽", "hooded"}, kStandCollar}}}});
  categories.push_back({v1::CATEGORY_SANDAL,
                        {"凉鞋", "Sandal"},
                        {"凉鞋", "sandals"},
                        {M("牛皮"), M("羊皮"), M("人造革"), M("帆布"), M("麂皮")},
                        kShoeSizes,
                        {kSpring, kSummer},
                        89,
                        699,
                        {kCasual, kResort, kMinimal, kElegant, kSporty},
                        {kShoeTrue, kShoeWide},
                        {{"heel", {"跟高", "heel"}, {kFlat, kHeel3, kHeel5}},
                         {"toe", {"鞋头", "toe"}, {{"露趾", "open toe"}, {"包头", "closed toe"}}},
                         {"strap",
                          {"鞋带", "strap"},
                          {{"一字带", "single strap"},
                           {"交叉带", "cross straps"},
                           {"魔术贴", "hook-and-loop strap"}}}}});
  categories.push_back({v1::CATEGORY_SHIRT,
                        {"衬衫", "Shirt"},
                        {"衬衫", "shirt"},
                        {M("纯棉"), M("亚麻"), M("真丝"), M("涤纶"), M("天丝")},
                        kClothesSizes,
                        {kSpring, kSummer, kAutumn, kAllYear},
                        99,
                        699,
                        {kCommute, kMinimal, kVintage, kCasual, kFrench},
                        {kTrueToSize, kRunsSmall},
                        {{"collar",
                          {"领型", "collar"},
                          {{"尖领", "point collar"}, kStandCollar, {"扣领", "button-down collar"}}},
                         {"sleeve", {"袖长", "sleeves"}, {kShortSleeves, kLongSleeves}},
                         {"fit", {"版型", "fit"}, {kSlim, kRelaxed, kRegular}},
                         {"pattern", {"图案", "pattern"}, {kSolid, kStriped, {"格纹", "plaid"}}}}});
  categories.push_back(
      {v1::CATEGORY_SNEAKER,
       {"运动鞋", "Sneaker"},
       {"运动鞋", "sneakers"},
       {M("网面"), M("飞织"), M("牛皮"), M("帆布"), M("麂皮")},
       kShoeSizes,
       {kSpring, kSummer, kAutumn, kAllYear},
       199,
       1299,
       {kCasual, kStreet, kVintage, kMinimal, kOutdoor},
       {kShoeTrue, kShoeWide},
       {{"top", {"鞋帮", "top"}, {{"低帮", "low-top"}, {"高帮", "high-top"}}},
        {"sole", {"鞋底", "sole"}, {{"橡胶底", "rubber sole"}, {"缓震底", "cushioned sole"}}},
        {"closure", {"穿法", "closure"}, {kLaceUp, {"一脚蹬", "slip-on"}}}}});
  categories.push_back(
      {v1::CATEGORY_BAG,
       {"包", "Bag"},
       {"包", "bag"},
       {M("牛皮"), M("羊皮"), M("人造革"), M("帆布"), M("尼龙")},
       {"均码"},
       {kAllYear},
       129,
       2999,
       {kCommute, kVintage, kMinimal, kCasual, kElegant},
       {kBagNote},
       {{"type",
         {"款式", "type"},
         {{"托特包", "tote"},
          {"斜挎包", "crossbody"},
          {"双肩包", "backpack"},
          {"手提包", "handbag"}}},
        {"closure", {"开合", "closure"}, {kZip, {"磁扣", "magnetic snap"}, {"翻盖", "flap"}}}}});
  categories.push_back(
      {v1::CATEGORY_ANKLE_BOOT,
       {"短靴", "Ankle boot"},
       {"短靴", "ankle boots"},
       {M("牛皮"), M("羊皮"), M("麂皮"), M("人造革")},
       kShoeSizes,
       {kAutumn, kWinter},
       299,
       1599,
       {kVintage, kCommute, kStreet, kElegant, kMinimal},
       {kShoeTrue, kShoeWide},
       {{"heel", {"跟高", "heel"}, {kFlat, kHeel3, kHeel5, {"7厘米跟", "7 cm heel"}}},
        {"toe",
         {"鞋头", "toe"},
         {{"圆头", "round toe"}, {"尖头", "pointed toe"}, {"方头", "square toe"}}},
        {"closure", {"穿法", "closure"}, {{"侧拉链", "side zip"}, kLaceUp}}}});
  return categories;
}

// Appends the terms of `more` that `list` does not hold yet (by zh).
void AppendUnique(std::vector<Term>& list, const std::vector<Term>& more) {
  for (const Term& term : more) {
    if (FindTerm(list, term.zh) == nullptr) list.push_back(term);
  }
}

// zh and en text of every term LocalizedName translates, mapped to the term.
const absl::flat_hash_map<std::string, const Term*>& TranslationIndex() {
  static const auto* const kIndex = [] {
    auto* index = new absl::flat_hash_map<std::string, const Term*>();
    auto add = [index](const Term& term) {
      index->emplace(term.zh, &term);
      index->emplace(term.en, &term);
    };
    for (const CategoryInfo& info : Categories()) {
      add(info.name);
      add(info.noun);
      for (const Term& term : info.fit_notes) add(term);
      for (const Attribute& attribute : info.attributes) {
        add(attribute.name);
        for (const Term& value : attribute.values) add(value);
      }
    }
    for (const auto* list : {&Materials(), &Colors(), &Brands(), &CareInstructions(),
                             &ShippingTerms(), &StyleTags()}) {
      for (const Term& term : *list) add(term);
    }
    for (const PromotionRule& rule : PromotionRules()) add(rule.description);
    for (int season = v1::SEASON_SPRING; season <= v1::SEASON_ALL_YEAR; ++season) {
      add(SeasonName(static_cast<v1::Season>(season)));
    }
    return index;
  }();
  return *kIndex;
}

}  // namespace

const std::vector<CategoryInfo>& Categories() {
  static const auto* const kCategories = new std::vector<CategoryInfo>(BuildCategories());
  return *kCategories;
}

const CategoryInfo& Info(common::v1::Category category) {
  const int label = static_cast<int>(category) - 1;
  CHECK(label >= 0 && label < static_cast<int>(Categories().size()))
      << "no demo catalogue category for Category value " << static_cast<int>(category);
  return Categories()[label];
}

const std::vector<Term>& Materials() {
  static const auto* const kMaterials = [] {
    auto* materials = new std::vector<Term>();
    for (const MaterialEntry& entry : MaterialTable()) materials->push_back(entry.material);
    return materials;
  }();
  return *kMaterials;
}

const std::vector<Term>& Colors() {
  static const auto* const kColors = new std::vector<Term>{
      {"黑色", "black"},      {"白色", "white"},         {"米白", "ivory"},
      {"藏青", "navy"},       {"酒红", "burgundy"},      {"卡其", "khaki"},
      {"浅灰", "light grey"}, {"雾霾蓝", "haze blue"},   {"靛蓝", "indigo"},
      {"墨绿", "dark green"}, {"樱花粉", "sakura pink"}, {"杏色", "apricot"},
      {"焦糖", "caramel"},    {"奶咖", "mocha"},         {"橄榄绿", "olive"},
  };
  return *kColors;
}

const std::vector<Term>& Brands() {
  static const auto* const kBrands = new std::vector<Term>{
      {"织屿", "Zhiyu"}, {"北纬", "Beiwei"}, {"棉语", "Mianyu"}, {"拾光", "Shiguang"},
      {"南岸", "Nanan"}, {"木槿", "Mujin"},  {"初野", "Chuye"},  {"云栖", "Yunqi"},
  };
  return *kBrands;
}

const std::vector<Term>& CareInstructions() { return CareList(); }

const std::vector<Term>& ShippingTerms() {
  static const auto* const kShipping = new std::vector<Term>{
      {"48小时内发货，全国包邮（偏远地区除外）",
       "ships within 48 hours, free shipping nationwide except remote areas"},
      {"24小时内发货，顺丰包邮", "ships within 24 hours, free SF Express delivery"},
      {"72小时内发货，满99元包邮", "ships within 72 hours, free shipping over 99 yuan"},
      {"现货速发，支持7天无理由退换", "in stock and ships fast, 7-day no-reason returns"},
  };
  return *kShipping;
}

const std::vector<Term>& StyleTags() {
  static const auto* const kTags = [] {
    auto* tags = new std::vector<Term>();
    for (const CategoryInfo& info : Categories()) AppendUnique(*tags, info.styles);
    return tags;
  }();
  return *kTags;
}

const std::vector<PromotionRule>& PromotionRules() {
  static const auto* const kRules = new std::vector<PromotionRule>{
      {{"满299减30", "30 yuan off orders of 299 yuan or more"}, 299, 30, 0},
      {{"满199减20", "20 yuan off orders of 199 yuan or more"}, 199, 20, 0},
      {{"领券立减10元", "a 10 yuan coupon"}, 49, 10, 0},
      {{"直降20元", "a 20 yuan price cut"}, 99, 20, 0},
      {{"限时9折", "10% off for a limited time"}, 0, 0, 90},
      {{"第二件半价", "second item at half price"}, 0, 0, 0},
  };
  return *kRules;
}

const Term* CareFor(std::string_view material) {
  for (const MaterialEntry& entry : MaterialTable()) {
    if (entry.material.zh == material || entry.material.en == material) {
      return &CareList()[entry.care];
    }
  }
  return nullptr;
}

const Term& SeasonName(common::v1::Season season) {
  static const auto* const kNames = new std::array<Term, 6>{{
      {"", ""},
      {"春季", "spring"},
      {"夏季", "summer"},
      {"秋季", "autumn"},
      {"冬季", "winter"},
      {"四季通用", "all year round"},
  }};
  const int index = static_cast<int>(season);
  return (*kNames)[index >= 0 && index < static_cast<int>(kNames->size()) ? index : 0];
}

const Term* FindTerm(const std::vector<Term>& list, std::string_view text) {
  for (const Term& term : list) {
    if (term.zh == text || term.en == text) return &term;
  }
  return nullptr;
}

const std::string& InLanguage(const Term& term, common::v1::Language language) {
  return language == common::v1::LANGUAGE_EN ? term.en : term.zh;
}

std::string LocalizedName(std::string_view text, common::v1::Language language) {
  const auto& index = TranslationIndex();
  const auto it = index.find(std::string(text));
  if (it == index.end()) return std::string(text);
  return InLanguage(*it->second, language);
}

const std::string& LocalizedName(common::v1::Category category, common::v1::Language language) {
  return InLanguage(Info(category).name, language);
}

}  // namespace aigc::catalog
