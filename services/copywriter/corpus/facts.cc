#include "services/copywriter/corpus/facts.h"

#include <cstdlib>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/catalog/money.h"
#include "common/catalog/vocabulary.h"

namespace aigc::copy_corpus {
namespace v1 = ::aigc::common::v1;

ProductFacts LocalizedFacts(const v1::Product& product, v1::Language language) {
  const auto localized = [language](const std::string& text) {
    return catalog::LocalizedName(text, language);
  };
  ProductFacts facts;
  if (product.category() != v1::CATEGORY_UNSPECIFIED) {
    const catalog::CategoryInfo& info = catalog::Info(product.category());
    facts.category = catalog::InLanguage(info.name, language);
    facts.noun = catalog::InLanguage(info.noun, language);
  } else {
    facts.noun = language == v1::LANGUAGE_EN ? "item" : "商品";
  }
  facts.brand = localized(product.brand());
  facts.material = localized(product.material());
  for (const std::string& color : product.colors()) facts.colors.push_back(localized(color));
  facts.sizes.assign(product.sizes().begin(), product.sizes().end());
  for (const int season : product.seasons()) {
    const std::string& name =
        catalog::InLanguage(catalog::SeasonName(static_cast<v1::Season>(season)), language);
    if (!name.empty()) facts.seasons.push_back(name);
  }
  facts.all_year = product.seasons_size() == 1 && product.seasons(0) == v1::SEASON_ALL_YEAR;
  if (product.has_price()) facts.price = catalog::FormatPrice(product.price(), language);
  if (product.has_stock_quantity()) facts.stock = product.stock_quantity();
  // Protobuf maps have no order; sort the keys so the text is deterministic.
  const std::map<std::string, std::string> attributes(product.attributes().begin(),
                                                      product.attributes().end());
  for (const auto& [key, value] : attributes) {
    if (key != "care" && !value.empty()) facts.features.push_back(localized(value));
  }
  for (const std::string& tag : product.tags()) facts.tags.push_back(localized(tag));
  return facts;
}

}  // namespace aigc::copy_corpus
