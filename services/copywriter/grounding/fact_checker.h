// Grounding: checks the factual claims of a generated text against the
// product it is about (Product, plus a live room's ProductKnowledge), and
// repairs or removes the wrong ones.
//
// Claims recognised (Chinese and English):
// * price      "199元", "199块", "¥199", "￥199.00", "$19.99", and a bare number
//              right after a price word (标价, 售价, 价格, 现价, 原价, 到手价,
//              券后价, 活动价, 秒杀价, "price"; ":", "是" between allowed),
//              read as yuan: "到手价469", "售价：199". A price right
//              after a final-price word (到手, 券后, 活动价, 秒杀价, "final price",
//              "after coupon") or equal to a promotion's final price is reported
//              as attribute "promotion".
// * discount   an amount with its currency right after 满/减/省/降 (立减, 直降)
//              or before "off": "满299减30元", "立减10元", "$5 off". Supported
//              when a valid promotion's description states the same number
//              (Facts::discount_amounts) or a supporting text states the same
//              discount; otherwise unsupported: an invented coupon.
// * material, colour, season, category, brand: surface forms from the
//   injected FactLexicon.
// * size       S M L XL XXL XXXL XS 2XL 3XL next to 码/号 or after
//              "size"/"尺码"; 26..46 next to 码 or after "size"; 均码, "one
//              size", "free size".
// * stock      仅剩/只剩/还剩/库存/仅有 N (件/个/双/条), "only N left",
//              现货/有货/"in stock", 售罄/已售罄/无货/"sold out"/"out of stock".
// Matching follows copy_compliance::TermMatcher: case- and width-insensitive,
// word boundaries at ASCII letters/digits, leftmost-longest; phrases in
// FactLexicon::ignored_phrases (e.g. 包邮 for the category 包) hide the terms
// inside them.
//
// Outcomes (GroundingStatus):
// * SUPPORTED: the claim agrees with the product, or the same value is stated
//   by one of the supporting texts (highlights, description, knowledge notes,
//   promotion descriptions, FAQ answers). A price in another format ("¥199" for
//   19900 fen) is supported; a promotion final price is supported as
//   "promotion"; a colour/material among several of the product's is
//   supported.
// * CONTRADICTED: the product states a different value. With repair the claim
//   is replaced by the true value formatted like the claim (REPAIRED): "99元"
//   -> "199元", "¥99" -> "¥199", a wrong colour -> the product's first colour
//   in the claim's language, a missing size -> the nearest available one,
//   "仅剩3件" -> "仅剩23件" (or "售罄" when stock is 0). Without a safe repair
//   (e.g. a season the lexicon cannot name) it stays CONTRADICTED.
// * UNSUPPORTED: the product does not state the attribute (no material, no
//   price, untracked stock for a count claim, ...). With repair the whole
//   clause holding it is removed. Clauses end at ，。！？；,.!?; and newlines
//   ('.' only when not between digits); the delimiter and the spaces after it
//   go with the clause, and a last clause without delimiter takes the
//   delimiter before it.
// Offsets are characters (code points) of the text as given; repairs never
// shift the offsets of later findings.
#ifndef AIGC_SERVICES_COPYWRITER_GROUNDING_FACT_CHECKER_H_
#define AIGC_SERVICES_COPYWRITER_GROUNDING_FACT_CHECKER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::copy_grounding {

// The surface forms of one value. The first form with a non-ASCII character
// is its Chinese display form, the first all-ASCII form its English one
// (repairs use the display form of the claim's language).
struct FactTerm {
  std::vector<std::string> forms;
};

struct SeasonTerm {
  common::v1::Season season = common::v1::SEASON_UNSPECIFIED;
  FactTerm term;
};

struct CategoryTerm {
  common::v1::Category category = common::v1::CATEGORY_UNSPECIFIED;
  FactTerm term;
};

// The vocabulary the checker recognises, injected by the caller (the service
// builds it from the demo catalogue). Nothing is built in.
struct FactLexicon {
  std::vector<FactTerm> materials;
  std::vector<FactTerm> colors;
  std::vector<SeasonTerm> seasons;
  std::vector<CategoryTerm> categories;
  std::vector<FactTerm> brands;
  std::vector<std::string> ignored_phrases;

  // Builds a lexicon from "form|form|..." strings, e.g. "纯棉|cotton|棉".
  static FactLexicon FromTerms(
      const std::vector<std::string>& materials, const std::vector<std::string>& colors,
      const std::vector<std::pair<common::v1::Season, std::string>>& seasons = {},
      const std::vector<std::pair<common::v1::Category, std::string>>& categories = {},
      std::vector<std::string> brands = {}, std::vector<std::string> ignored_phrases = {});
};

// What a text may state: the product record, final prices of valid
// promotions, and texts whose claims count as supported.
struct Facts {
  common::v1::Product product;
  std::vector<common::v1::Money> promotion_prices;
  // Every number in the descriptions of valid promotions, in minor units
  // ("满299减30" -> 29900, 3000): the amounts a discount claim may state.
  std::vector<int64_t> discount_amounts;
  std::vector<std::string> supporting_texts;

  // Facts of a product; its description and `highlights` are supporting texts.
  static Facts FromProduct(const common::v1::Product& product,
                           std::vector<std::string> highlights = {});

  // Facts of a live room's product: promotions valid at `now` (started, not
  // ended) give final prices; size/shipping/care notes, promotion
  // descriptions and FAQ answers are supporting texts as well.
  static Facts FromKnowledge(const copywriter::v1::ProductKnowledge& knowledge, absl::Time now,
                             std::vector<std::string> highlights = {});
};

struct CheckedText {
  std::string text;
  copywriter::v1::GroundingReport report;
};

// Immutable after Create; Check is thread-safe.
class FactChecker {
 public:
  // INVALID_ARGUMENT naming the entry (e.g. "colors[2].forms[0]: empty") for
  // an empty form, a term without forms, or a form listed twice (after
  // case folding) across the lexicon.
  static absl::StatusOr<std::unique_ptr<FactChecker>> Create(FactLexicon lexicon);
  ~FactChecker();

  // Checks `text` (UTF-8) against `facts`; with `repair`, contradicted claims
  // are repaired and unsupported ones removed (see above). Findings are in
  // text order; grounded is true when the returned text keeps no contradicted
  // and no unsupported claim.
  CheckedText Check(std::string_view text, const Facts& facts, bool repair) const;

 private:
  struct Impl;
  explicit FactChecker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc::copy_grounding

#endif  // AIGC_SERVICES_COPYWRITER_GROUNDING_FACT_CHECKER_H_
