// The demo catalogue: a seeded generator of fashion products in the ten
// Fashion-MNIST categories, so that recommendations, copy and images speak of
// the same products, and of the live-room knowledge about each product.
//
// Output depends only on the options (own PRNG, see random.h): the same seed
// gives byte-identical products on every platform. Every value is drawn from
// vocabulary.h and is stored in Chinese (the products' own language).
#ifndef AIGC_COMMON_CATALOG_GENERATOR_H_
#define AIGC_COMMON_CATALOG_GENERATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::catalog {

struct CatalogOptions {
  // Seed of everything generated.
  uint64_t seed = 42;
  // Products per category, 1..9999 (ids have four digits).
  int products_per_category = 60;
  // created_time of the products lies in the 180 days before `now`. A fixed
  // instant by default (2024-06-01T00:00:00Z) so that runs are reproducible.
  absl::Time now = absl::FromUnixSeconds(1717200000);
};

// Generates products_per_category products for each of the ten categories,
// ordered by category then number. Each product has:
//  - id "sku-<label>-<nnnn>" (label = Category − 1, nnnn from 0001), unique;
//  - title "<brand> <style tag?><pattern?><material><noun>", e.g. "织屿 法式碎花雪纺连衣裙";
//  - brand, material (one of the category's), 1..4 distinct colours, a
//    contiguous run of the category's size ladder, seasons (SEASON_ALL_YEAR
//    alone, or 1..3 of the category's seasons in enum order);
//  - price in CNY within the category's range, whole yuan ending in 9 below
//    1000 yuan and in 99 or 00 from 1000 yuan on;
//  - stock 0..500 (about one in ten sold out), 1..3 style tags;
//  - created_time spread over the 180 days before options.now;
//  - attributes: one value per category attribute plus "care";
//  - a short factual description; kind ITEM_KIND_PRODUCT.
// Fails with INVALID_ARGUMENT naming the option when products_per_category is
// out of range.
absl::StatusOr<std::vector<common::v1::Product>> GenerateCatalog(const CatalogOptions& options);

// Live-room knowledge about a product of the demo catalogue: size_fit_notes
// from the category's fit notes, shipping_info, 0..2 promotions (final_price
// set when the rule yields a single price), care_instructions (the material's
// care, else attributes["care"]) and 1..3 FAQs stating the product's own
// facts. Deterministic for (product.id, seed). A product outside the demo
// catalogue (category unspecified) gets shipping, promotions and FAQs only.
copywriter::v1::ProductKnowledge MakeKnowledge(const common::v1::Product& product, uint64_t seed);

}  // namespace aigc::catalog

#endif  // AIGC_COMMON_CATALOG_GENERATOR_H_
