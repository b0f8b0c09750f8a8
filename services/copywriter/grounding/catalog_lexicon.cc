#include "services/copywriter/grounding/catalog_lexicon.h"

#include "common/catalog/vocabulary.h"

namespace aigc::copy_grounding {
namespace {

namespace v1 = aigc::common::v1;

FactTerm ToFactTerm(const catalog::Term& term) {
  FactTerm fact{.forms = {term.zh}};
  if (!term.en.empty() && term.en != term.zh) fact.forms.push_back(term.en);
  return fact;
}

}  // namespace

FactLexicon CatalogFactLexicon() {
  FactLexicon lexicon;
  for (const catalog::Term& material : catalog::Materials()) {
    lexicon.materials.push_back(ToFactTerm(material));
  }
  for (const catalog::Term& color : catalog::Colors()) lexicon.colors.push_back(ToFactTerm(color));
  for (const v1::Season season : {v1::SEASON_SPRING, v1::SEASON_SUMMER, v1::SEASON_AUTUMN,
                                  v1::SEASON_WINTER, v1::SEASON_ALL_YEAR}) {
    lexicon.seasons.push_back({season, ToFactTerm(catalog::SeasonName(season))});
  }
  for (const catalog::Term& brand : catalog::Brands()) lexicon.brands.push_back(ToFactTerm(brand));
  return lexicon;
}

}  // namespace aigc::copy_grounding
