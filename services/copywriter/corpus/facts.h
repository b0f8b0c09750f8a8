// The facts of a product as text in one language: the one place that decides
// how the copy corpus (and the copywriter's prompts) spell a product's facts.
//
// Spelling rules (the fact-checker relies on them):
//  - price: catalog::FormatPrice (zh "199元", en "¥199", "199.50元" for a
//    fractional amount);
//  - material, colours, style tags, attribute values and category nouns: the
//    vocabulary's term in the language (catalog::LocalizedName), verbatim;
//    text the vocabulary does not know passes through unchanged;
//  - sizes: verbatim from the product, in product order;
//  - seasons: 春季/夏季/秋季/冬季/四季通用, spring/summer/autumn/winter/all year round.
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_FACTS_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_FACTS_H_

#include <optional>
#include <string>
#include <vector>

#include "aigc/common/v1/common.pb.h"

namespace aigc::copy_corpus {

// A product's facts in one language. Empty strings/vectors = not stated.
struct ProductFacts {
  std::string category;  // category name ("连衣裙", "Dress")
  std::string noun;      // title noun ("连衣裙", "dress"); "商品"/"item" without category
  std::string brand;
  std::string material;
  std::vector<std::string> colors;
  std::vector<std::string> sizes;
  std::vector<std::string> seasons;
  bool all_year = false;  // seasons is exactly {"四季通用"/"all year round"}
  std::string price;      // catalog::FormatPrice of the price; empty when unset
  std::optional<int64_t> stock;
  // Attribute values in attribute-key order, "care" excluded ("V领", "修身").
  std::vector<std::string> features;
  std::vector<std::string> tags;
};

// Facts of `product` in `language` (LANGUAGE_EN = English, anything else Chinese).
ProductFacts LocalizedFacts(const common::v1::Product& product, common::v1::Language language);

}  // namespace aigc::copy_corpus

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_FACTS_H_
