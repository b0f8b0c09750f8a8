#include "common/catalog/generator.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/catalog/random.h"
#include "common/catalog/vocabulary.h"
#include "common/status/status.h"

namespace aigc::catalog {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;

constexpr int kMaxProductsPerCategory = 9999;
constexpr int64_t kCreatedWindowSeconds = 180 * 24 * 3600;

// `count` distinct indices below `n` (count <= n), ascending.
std::vector<size_t> SampleIndices(Rng& rng, size_t n, size_t count) {
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  // Partial Fisher-Yates: the first `count` slots become the sample.
  for (size_t i = 0; i < count; ++i) std::swap(all[i], all[i + rng.Below(n - i)]);
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

v1::Money Cny(int64_t yuan) {
  v1::Money money;
  money.set_amount_minor(yuan * 100);
  money.set_currency_code("CNY");
  return money;
}

// A price in [min, max] rounded the way shops price: ...9 below 1000 yuan,
// ...00 or ...99 above (the category ranges end in 9 or 99, so the result
// stays inside).
int64_t DrawPriceYuan(Rng& rng, const CategoryInfo& info) {
  const int64_t yuan = rng.Between(info.min_price_yuan, info.max_price_yuan);
  if (yuan < 1000) return yuan / 10 * 10 + 9;
  return yuan / 100 * 100 + (rng.Chance(50) ? 0 : 99);
}

std::vector<v1::Season> DrawSeasons(Rng& rng, const CategoryInfo& info) {
  std::vector<v1::Season> seasons;
  for (const v1::Season season : info.seasons) {
    if (season != v1::SEASON_ALL_YEAR) seasons.push_back(season);
  }
  const bool may_be_all_year = seasons.size() != info.seasons.size();
  if (seasons.empty() || (may_be_all_year && rng.Chance(25))) return {v1::SEASON_ALL_YEAR};
  const size_t count = rng.Between(1, std::min<int64_t>(3, seasons.size()));
  std::vector<v1::Season> chosen;
  for (const size_t i : SampleIndices(rng, seasons.size(), count)) chosen.push_back(seasons[i]);
  return chosen;
}

// "春季、夏季" or "四季通用".
std::string SeasonsText(const v1::Product& product) {
  std::vector<std::string> names;
  for (const int season : product.seasons()) {
    names.push_back(SeasonName(static_cast<v1::Season>(season)).zh);
  }
  return absl::StrJoin(names, "、");
}

std::string Describe(const v1::Product& product, const CategoryInfo& info) {
  std::vector<std::string> parts;
  parts.push_back(absl::StrCat(product.brand(), info.noun.zh));
  parts.push_back(absl::StrCat(product.material(), "材质"));
  std::vector<std::string> features;
  for (const Attribute& attribute : info.attributes) {
    features.push_back(product.attributes().at(attribute.key));
  }
  parts.push_back(absl::StrJoin(features, "、"));
  parts.push_back(absl::StrCat("颜色有", absl::StrJoin(product.colors(), "、")));
  parts.push_back(absl::StrCat("尺码", absl::StrJoin(product.sizes(), "/")));
  const bool all_year = product.seasons(0) == v1::SEASON_ALL_YEAR;
  parts.push_back(all_year ? SeasonsText(product) : absl::StrCat("适合", SeasonsText(product)));
  return absl::StrCat(absl::StrJoin(parts, "，"), "。");
}

v1::Product MakeProduct(const CategoryInfo& info, int number, const CatalogOptions& options) {
  v1::Product product;
  const int label = static_cast<int>(info.category) - 1;
  product.set_id(absl::StrFormat("sku-%d-%04d", label, number));
  // One stream per product, so a product does not change when the catalogue
  // grows or shrinks.
  Rng rng(HashString(product.id(), options.seed));

  product.set_category(info.category);
  product.set_kind(v1::ITEM_KIND_PRODUCT);
  product.set_brand(rng.Pick(Brands()).zh);
  const Term& material = rng.Pick(info.materials);
  product.set_material(material.zh);
  *product.mutable_price() = Cny(DrawPriceYuan(rng, info));

  const size_t color_count = rng.Between(1, 4);
  for (const size_t i : SampleIndices(rng, Colors().size(), color_count)) {
    product.add_colors(Colors()[i].zh);
  }

  const int64_t ladder = info.sizes.size();
  const int64_t run = rng.Between(std::min<int64_t>(3, ladder), std::min<int64_t>(8, ladder));
  const int64_t first = rng.Between(0, ladder - run);
  for (int64_t i = first; i < first + run; ++i) product.add_sizes(info.sizes[i]);

  for (const v1::Season season : DrawSeasons(rng, info)) product.add_seasons(season);
  product.set_stock_quantity(rng.Chance(10) ? 0 : rng.Between(1, 500));

  const size_t tag_count = rng.Between(1, 3);
  for (const size_t i : SampleIndices(rng, info.styles.size(), tag_count)) {
    product.add_tags(info.styles[i].zh);
  }

  auto& attributes = *product.mutable_attributes();
  for (const Attribute& attribute : info.attributes) {
    attributes[attribute.key] = rng.Pick(attribute.values).zh;
  }
  if (const Term* care = CareFor(material.zh); care != nullptr) attributes["care"] = care->zh;

  // Title: brand, optionally the first style tag and the pattern, material, noun.
  std::string title = absl::StrCat(product.brand(), " ");
  if (rng.Chance(50)) absl::StrAppend(&title, product.tags(0));
  if (const auto it = attributes.find("pattern"); it != attributes.end() && rng.Chance(60)) {
    absl::StrAppend(&title, it->second);
  }
  absl::StrAppend(&title, material.zh, info.noun.zh);
  product.set_title(title);

  const int64_t age = rng.Between(0, kCreatedWindowSeconds - 1);
  product.mutable_created_time()->set_seconds(absl::ToUnixSeconds(options.now) - age);
  product.set_description(Describe(product, info));
  return product;
}

// Whole yuan of a CNY price (the demo catalogue only has whole-yuan prices).
int64_t PriceYuan(const v1::Product& product) { return product.price().amount_minor() / 100; }

std::vector<cv1::FaqEntry> CandidateFaqs(const v1::Product& product, const std::string& care) {
  std::vector<cv1::FaqEntry> faqs;
  auto add = [&faqs](std::string question, std::string answer) {
    cv1::FaqEntry& entry = faqs.emplace_back();
    entry.set_question(std::move(question));
    entry.set_answer(std::move(answer));
  };
  if (!product.material().empty()) {
    add("是什么面料？", absl::StrCat("这款是", product.material(), "的。"));
  }
  if (product.colors_size() > 0) {
    add("有几个颜色？", absl::StrCat("共", product.colors_size(), "个颜色：",
                                     absl::StrJoin(product.colors(), "、"), "。"));
  }
  if (product.sizes_size() > 0) {
    add("有哪些尺码？", absl::StrCat("有", absl::StrJoin(product.sizes(), "/"), "。"));
  }
  if (!care.empty()) add("怎么清洗？", absl::StrCat(care, "。"));
  return faqs;
}

}  // namespace

absl::StatusOr<std::vector<v1::Product>> GenerateCatalog(const CatalogOptions& options) {
  if (options.products_per_category < 1 ||
      options.products_per_category > kMaxProductsPerCategory) {
    return status::InvalidField("products_per_category",
                                absl::StrCat("must be in 1..", kMaxProductsPerCategory, ", got ",
                                             options.products_per_category));
  }
  std::vector<v1::Product> products;
  products.reserve(Categories().size() * options.products_per_category);
  for (const CategoryInfo& info : Categories()) {
    for (int number = 1; number <= options.products_per_category; ++number) {
      products.push_back(MakeProduct(info, number, options));
    }
  }
  return products;
}

cv1::ProductKnowledge MakeKnowledge(const v1::Product& product, uint64_t seed) {
  Rng rng(HashString(product.id(), seed ^ 0x6b6e6f776c656467ULL));  // "knowledg"
  cv1::ProductKnowledge knowledge;
  *knowledge.mutable_product() = product;
  const bool in_catalogue = product.category() != v1::CATEGORY_UNSPECIFIED;
  if (in_catalogue) knowledge.set_size_fit_notes(rng.Pick(Info(product.category()).fit_notes).zh);
  knowledge.set_shipping_info(rng.Pick(ShippingTerms()).zh);

  if (product.has_price()) {
    std::vector<const PromotionRule*> applicable;
    for (const PromotionRule& rule : PromotionRules()) {
      if (PriceYuan(product) >= rule.min_price_yuan) applicable.push_back(&rule);
    }
    const size_t count = std::min<size_t>(rng.Below(3), applicable.size());
    for (const size_t i : SampleIndices(rng, applicable.size(), count)) {
      const PromotionRule& rule = *applicable[i];
      cv1::Promotion& promotion = *knowledge.add_promotions();
      promotion.set_description(rule.description.zh);
      if (rule.minus_yuan > 0) {
        *promotion.mutable_final_price() = Cny(PriceYuan(product) - rule.minus_yuan);
      } else if (rule.percent > 0) {
        *promotion.mutable_final_price() = Cny(PriceYuan(product) * rule.percent / 100);
      }
    }
  }

  const Term* care = CareFor(product.material());
  if (care != nullptr) {
    knowledge.set_care_instructions(care->zh);
  } else if (const auto it = product.attributes().find("care"); it != product.attributes().end()) {
    knowledge.set_care_instructions(it->second);
  }

  const std::vector<cv1::FaqEntry> faqs = CandidateFaqs(product, knowledge.care_instructions());
  if (!faqs.empty()) {
    const size_t count = rng.Between(1, std::min<int64_t>(3, faqs.size()));
    for (const size_t i : SampleIndices(rng, faqs.size(), count)) {
      *knowledge.add_faqs() = faqs[i];
    }
  }
  return knowledge;
}

}  // namespace aigc::catalog
