// The vocabulary of the demo catalogue: every word the generator may put into
// a product (category names, materials, colours, sizes, seasons, style tags,
// attribute values, brands, care, shipping and promotion wording), each in
// Chinese and English.
//
// Other components use it to speak about the same products: the copy corpus
// renders English facts from the Chinese values stored in a product, and the
// copy fact-checker recognises materials/colours/seasons/sizes in generated
// text. Within each list no term's zh (or en) text contains another term's zh
// (or en) text of the same list, so a substring search finds exactly the terms
// a text mentions.
//
// All functions return references to immutable data built once; they are
// thread-safe.
#ifndef AIGC_COMMON_CATALOG_VOCABULARY_H_
#define AIGC_COMMON_CATALOG_VOCABULARY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aigc/common/v1/common.pb.h"

namespace aigc::catalog {

// One word or phrase in both languages. Chinese first, English second.
struct Term {
  std::string zh;
  std::string en;
};

// A product attribute the generator fills, e.g. key "collar", name 领型/collar,
// values 圆领/crew neck, V领/V-neck. Keys are valid Product.attributes keys.
struct Attribute {
  std::string key;
  Term name;
  std::vector<Term> values;
};

// Everything the generator knows about one category.
struct CategoryInfo {
  common::v1::Category category = common::v1::CATEGORY_UNSPECIFIED;
  // Category name as in common.proto, e.g. T恤/上衣 / T-shirt/top.
  Term name;
  // Noun used in titles and copy, e.g. T恤 / T-shirt.
  Term noun;
  // Materials a product of this category may be made of.
  std::vector<Term> materials;
  // Size ladder in order; a product offers a contiguous run of it.
  std::vector<std::string> sizes;
  // Seasons a product may be meant for; SEASON_ALL_YEAR here means a product
  // may be marked all-year (alone).
  std::vector<common::v1::Season> seasons;
  // List price range in whole yuan (CNY), inclusive.
  int64_t min_price_yuan = 0;
  int64_t max_price_yuan = 0;
  // Style tags (Product.tags), e.g. 通勤 / commute.
  std::vector<Term> styles;
  // Size and fit advice for live Q&A (ProductKnowledge.size_fit_notes).
  std::vector<Term> fit_notes;
  // Attributes a product of this category carries.
  std::vector<Attribute> attributes;
};

// The ten fashion categories in Fashion-MNIST label order (index = label).
const std::vector<CategoryInfo>& Categories();

// The info of `category`; CHECK-fails on CATEGORY_UNSPECIFIED or an unknown
// value (a programming error: products of the demo catalogue always have one).
const CategoryInfo& Info(common::v1::Category category);

// A promotion the generator may attach to a product's live knowledge.
struct PromotionRule {
  // e.g. 满299减30 / ¥30 off orders of ¥299 or more.
  Term description;
  // The rule applies only to list prices of at least this many yuan.
  int64_t min_price_yuan = 0;
  // Final price = list price − minus_yuan, or list price × percent / 100
  // (rounded down to whole yuan) when percent > 0. Both 0: no single final
  // price (e.g. 第二件半价), so Promotion.final_price stays unset.
  int64_t minus_yuan = 0;
  int percent = 0;
};
const std::vector<PromotionRule>& PromotionRules();

// Global lists: every material (union over categories, no duplicates),
// colours, brands (fictional), care instructions, shipping terms, style tags
// (union over categories) and promotion wordings.
const std::vector<Term>& Materials();
const std::vector<Term>& Colors();
const std::vector<Term>& Brands();
const std::vector<Term>& CareInstructions();
const std::vector<Term>& ShippingTerms();
const std::vector<Term>& StyleTags();

// Care instruction for a material (by its zh or en text); nullptr when the
// material is not in the vocabulary.
const Term* CareFor(std::string_view material);

// Name of a season: 春季/spring, 夏季/summer, 秋季/autumn, 冬季/winter,
// 四季通用/all year round. SEASON_UNSPECIFIED gives empty strings.
const Term& SeasonName(common::v1::Season season);

// The term of `list` whose zh or en text equals `text`; nullptr if none.
const Term* FindTerm(const std::vector<Term>& list, std::string_view text);

// Text of `term` in `language` (EN gives en, anything else zh).
const std::string& InLanguage(const Term& term, common::v1::Language language);

// `text` (a zh or en word stored in a product or knowledge entry: category
// name, material, colour, style tag, attribute value, brand, care, shipping or
// fit wording) in `language`. Text the vocabulary does not know is returned
// unchanged, so facts from outside the demo catalogue pass through verbatim.
std::string LocalizedName(std::string_view text, common::v1::Language language);

// Name of a category in `language` (name, not noun: "连衣裙", "Dress").
const std::string& LocalizedName(common::v1::Category category, common::v1::Language language);

}  // namespace aigc::catalog

#endif  // AIGC_COMMON_CATALOG_VOCABULARY_H_
