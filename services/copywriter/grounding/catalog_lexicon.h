// The fact checker's vocabulary for the demo catalogue: every material,
// colour, season and brand the catalogue generator (common/catalog) can
// produce, in Chinese and English. Category words are left out on purpose:
// copy may name other categories to suggest pairings ("搭配小外套"), which
// are not claims about the product.
#ifndef AIGC_SERVICES_COPYWRITER_GROUNDING_CATALOG_LEXICON_H_
#define AIGC_SERVICES_COPYWRITER_GROUNDING_CATALOG_LEXICON_H_

#include "services/copywriter/grounding/fact_checker.h"

namespace aigc::copy_grounding {

FactLexicon CatalogFactLexicon();

}  // namespace aigc::copy_grounding

#endif  // AIGC_SERVICES_COPYWRITER_GROUNDING_CATALOG_LEXICON_H_
