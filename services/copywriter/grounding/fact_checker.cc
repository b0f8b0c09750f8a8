#include "services/copywriter/grounding/fact_checker.h"

#include <algorithm>
#include <limits>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/catalog/money.h"
#include "common/status/status.h"
#include "common/text/utf8.h"
#include "services/copywriter/compliance/char_fold.h"
#include "services/copywriter/compliance/term_matcher.h"

namespace aigc::copy_grounding {
namespace {

using common::v1::Money;
using common::v1::Product;
using text::DecodeUtf8;
using text::EncodeUtf8;
using copy_compliance::FoldChar;
using copy_compliance::IsWordChar;
using copy_compliance::TermMatcher;
using copywriter::v1::GroundingFinding;
using copywriter::v1::GroundingStatus;

enum class Kind {
  kPrice,
  kDiscount,
  kMaterial,
  kColor,
  kSeason,
  kCategory,
  kBrand,
  kSize,
  kStock,
  kIgnored
};
enum class StockClaim { kCount, kInStock, kSoldOut };

// What a dictionary match id stands for.
struct DictEntry {
  Kind kind;
  int index = -1;  // into the lexicon's vector of that kind
  StockClaim stock = StockClaim::kCount;
};

// Built-in phrases, recognised whatever the lexicon.
constexpr std::pair<const char*, StockClaim> kStockPhrases[] = {
    {"现货", StockClaim::kInStock},        {"有货", StockClaim::kInStock},
    {"in stock", StockClaim::kInStock},    {"售罄", StockClaim::kSoldOut},
    {"已售罄", StockClaim::kSoldOut},      {"无货", StockClaim::kSoldOut},
    {"没有货", StockClaim::kSoldOut},      {"sold out", StockClaim::kSoldOut},
    {"out of stock", StockClaim::kSoldOut}};
constexpr const char* kOneSizePhrases[] = {"均码", "one size", "free size"};
constexpr const char* kCountMarkers[] = {"仅剩", "只剩", "还剩", "库存", "仅有", "only"};
constexpr const char* kCountUnits[] = {"件", "个", "双", "条", "套", " left"};
constexpr const char* kPromotionMarkers[] = {"到手", "券后",        "活动价",
                                             "秒杀", "final price", "after coupon"};
constexpr const char* kYuanSuffixes[] = {"块钱", "元", "块", " yuan", "yuan", " rmb", "rmb"};
// Words after which a bare number is a price in yuan ("到手价469", "售价：199").
constexpr const char* kPriceWords[] = {"标价", "售价", "价格", "现价", "原价", "到手价",
                                       "券后价", "活动价", "秒杀价", "price"};
// What may stand between a price word and its number.
constexpr std::u32string_view kPriceWordGap = U" :：是为";
// Letter sizes, longest first, with their order for "nearest size" repairs.
constexpr std::pair<const char*, int> kLetterSizes[] = {{"XXXL", 6}, {"XXL", 5}, {"3XL", 6},
                                                        {"2XL", 5},  {"XL", 4},  {"XS", 0},
                                                        {"S", 1},    {"M", 2},   {"L", 3}};

struct Claim {
  Kind kind = Kind::kPrice;
  std::size_t start = 0;
  std::size_t end = 0;
  int index = -1;        // lexicon entry for dictionary claims
  bool english = false;  // surface form is ASCII-only
  // Price, or the amount of a discount.
  Money money;
  std::u32string prefix, suffix;  // "¥" / "元" as written
  bool decimals = false;
  bool promotion_context = false;
  // Size: the token ("XL", "38"); one_size for 均码.
  std::u32string size;
  bool one_size = false;
  // Stock.
  StockClaim stock = StockClaim::kCount;
  int64_t count = 0;
  std::size_t digits_start = 0, digits_end = 0;
};

std::u32string Fold(std::u32string_view text) {
  std::u32string out(text);
  for (char32_t& c : out) c = FoldChar(c);
  return out;
}

bool IsAscii(std::u32string_view text) {
  return std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; });
}

bool IsDigit(char32_t c) {
  c = FoldChar(c);
  return c >= '0' && c <= '9';
}

// True when text[pos - word.size(), pos) is `word` (folded).
bool EndsAt(std::u32string_view text, std::size_t pos, std::string_view word) {
  const std::u32string w = Fold(DecodeUtf8(word));
  return pos >= w.size() && Fold(text.substr(pos - w.size(), w.size())) == w;
}

// Length of `word` (folded) when text starts with it at pos, else 0.
std::size_t StartsAt(std::u32string_view text, std::size_t pos, std::string_view word) {
  const std::u32string w = Fold(DecodeUtf8(word));
  if (pos + w.size() > text.size() || Fold(text.substr(pos, w.size())) != w) return 0;
  const bool boundary =
      pos + w.size() == text.size() || !IsWordChar(w.back()) || !IsWordChar(text[pos + w.size()]);
  return boundary ? w.size() : 0;
}

bool SameMoney(const Money& a, const Money& b) {
  return a.currency_code() == b.currency_code() && a.amount_minor() == b.amount_minor();
}

std::string DisplayForm(const FactTerm& term, bool english) {
  for (const std::string& form : term.forms) {
    if (IsAscii(DecodeUtf8(form)) == english) return form;
  }
  return term.forms.front();
}

std::string EnglishOr(bool english, const char* en, const char* zh) { return english ? en : zh; }

// Clause delimiters; '.' only when not a decimal point.
bool IsClauseEnd(std::u32string_view text, std::size_t i) {
  static constexpr std::u32string_view kDelimiters = U"，。！？；,!?;\n";
  if (kDelimiters.find(text[i]) != std::u32string_view::npos) return true;
  return text[i] == U'.' &&
         !(i > 0 && i + 1 < text.size() && IsDigit(text[i - 1]) && IsDigit(text[i + 1]));
}

// The span removed for a claim at [start, end): its clause, see the header.
std::pair<std::size_t, std::size_t> ClauseAround(std::u32string_view text, std::size_t start,
                                                 std::size_t end) {
  std::size_t begin = start;
  while (begin > 0 && !IsClauseEnd(text, begin - 1)) --begin;
  std::size_t stop = end;
  while (stop < text.size() && !IsClauseEnd(text, stop)) ++stop;
  if (stop < text.size()) {
    ++stop;
    while (stop < text.size() && text[stop] == U' ') ++stop;
  } else if (begin > 0) {
    --begin;
  }
  return {begin, stop};
}

constexpr std::u32string_view kListSeparators[] = {U" and ", U"、", U"，", U",", U"/", U"和"};

// The end of the list separator (and the spaces after it) starting at `end`,
// or `end` when none does.
std::size_t SeparatorEnd(std::u32string_view text, std::size_t end) {
  for (std::u32string_view separator : kListSeparators) {
    if (text.substr(end, separator.size()) == separator) {
      std::size_t stop = end + separator.size();
      while (stop < text.size() && text[stop] == U' ') ++stop;
      return stop;
    }
  }
  return end;
}

// The span to delete for a list item at [start, end): the item and the
// separator before it ("、", "，", ",", "/", "和", " and ", with spaces), else
// the separator after it, else the item alone. Before first: wrong items are
// dropped once the product's values are all named, which happens towards
// the end of a list ("米白、黑色、红色" -> "米白、黑色").
std::pair<std::size_t, std::size_t> ListItemSpan(std::u32string_view text, std::size_t start,
                                                 std::size_t end) {
  for (std::u32string_view separator : kListSeparators) {
    std::size_t begin = start;
    while (begin > 0 && text[begin - 1] == U' ' && separator.back() != U' ') --begin;
    if (begin >= separator.size() &&
        text.substr(begin - separator.size(), separator.size()) == separator) {
      return {begin - separator.size(), end};
    }
  }
  return {start, SeparatorEnd(text, end)};
}

}  // namespace

FactLexicon FactLexicon::FromTerms(
    const std::vector<std::string>& materials, const std::vector<std::string>& colors,
    const std::vector<std::pair<common::v1::Season, std::string>>& seasons,
    const std::vector<std::pair<common::v1::Category, std::string>>& categories,
    std::vector<std::string> brands, std::vector<std::string> ignored_phrases) {
  auto term = [](const std::string& forms) { return FactTerm{absl::StrSplit(forms, '|')}; };
  FactLexicon lexicon;
  for (const std::string& m : materials) lexicon.materials.push_back(term(m));
  for (const std::string& c : colors) lexicon.colors.push_back(term(c));
  for (const auto& [season, forms] : seasons) lexicon.seasons.push_back({season, term(forms)});
  for (const auto& [category, forms] : categories) {
    lexicon.categories.push_back({category, term(forms)});
  }
  for (const std::string& b : brands) lexicon.brands.push_back(term(b));
  lexicon.ignored_phrases = std::move(ignored_phrases);
  return lexicon;
}

Facts Facts::FromProduct(const Product& product, std::vector<std::string> highlights) {
  Facts facts;
  facts.product = product;
  facts.supporting_texts = std::move(highlights);
  if (!product.description().empty()) facts.supporting_texts.push_back(product.description());
  return facts;
}

Facts Facts::FromKnowledge(const copywriter::v1::ProductKnowledge& knowledge, absl::Time now,
                           std::vector<std::string> highlights) {
  Facts facts = FromProduct(knowledge.product(), std::move(highlights));
  const int64_t now_s = absl::ToUnixSeconds(now);
  for (const copywriter::v1::Promotion& promotion : knowledge.promotions()) {
    const bool started = !promotion.has_start_time() || promotion.start_time().seconds() <= now_s;
    const bool ended = promotion.has_end_time() && promotion.end_time().seconds() < now_s;
    if (!started || ended) continue;
    if (promotion.has_final_price()) facts.promotion_prices.push_back(promotion.final_price());
    facts.supporting_texts.push_back(promotion.description());
    int64_t number = -1;
    for (const char c : promotion.description() + ' ') {
      if (c >= '0' && c <= '9' && number < 1'000'000'000) {
        number = std::max<int64_t>(number, 0) * 10 + (c - '0');
      } else if (number >= 0) {
        facts.discount_amounts.push_back(number * 100);
        number = -1;
      }
    }
  }
  for (const std::string* note :
       {&knowledge.size_fit_notes(), &knowledge.shipping_info(), &knowledge.care_instructions()}) {
    if (!note->empty()) facts.supporting_texts.push_back(*note);
  }
  for (const copywriter::v1::FaqEntry& faq : knowledge.faqs()) {
    facts.supporting_texts.push_back(faq.answer());
  }
  return facts;
}

struct FactChecker::Impl {
  FactLexicon lexicon;
  TermMatcher matcher;
  std::vector<DictEntry> entries;  // by match id

  std::vector<Claim> Extract(std::u32string_view text) const;
  void ExtractPatterns(std::u32string_view text, std::size_t pos, std::vector<Claim>* out) const;
  std::string Key(std::u32string_view text, const Claim& claim) const;
  // Lexicon entries of `kind` named in `value` (e.g. the product's material).
  std::vector<int> Resolve(std::string_view value, Kind kind) const;
};

FactChecker::FactChecker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FactChecker::~FactChecker() = default;

absl::StatusOr<std::unique_ptr<FactChecker>> FactChecker::Create(FactLexicon lexicon) {
  auto impl = std::make_unique<Impl>();
  std::vector<std::string> names;  // field path of each entry, for errors
  auto add = [&](std::string_view form, const std::string& field, DictEntry entry) {
    if (form.empty()) return status::InvalidField(field, "empty");
    const int id = static_cast<int>(impl->entries.size());
    if (std::optional<int> previous = impl->matcher.Add(DecodeUtf8(form), id)) {
      return status::InvalidField(
          field,
          absl::StrCat("\"", std::string(form), "\" is already listed as ", names[*previous]));
    }
    impl->entries.push_back(entry);
    names.push_back(field);
    return absl::OkStatus();
  };
  for (const auto& [phrase, stock] : kStockPhrases) {
    AIGC_RETURN_IF_ERROR(add(phrase, "(built-in stock phrase)", {Kind::kStock, -1, stock}));
  }
  for (const char* phrase : kOneSizePhrases) {
    AIGC_RETURN_IF_ERROR(add(phrase, "(built-in size)", {Kind::kSize}));
  }
  auto add_terms = [&](const FactTerm& term, const std::string& field, Kind kind, int index) {
    if (term.forms.empty()) return status::InvalidField(field, "no forms");
    for (std::size_t f = 0; f < term.forms.size(); ++f) {
      AIGC_RETURN_IF_ERROR(
          add(term.forms[f], absl::StrCat(field, ".forms[", f, "]"), {Kind(kind), index}));
    }
    return absl::OkStatus();
  };
  for (std::size_t i = 0; i < lexicon.materials.size(); ++i) {
    AIGC_RETURN_IF_ERROR(add_terms(lexicon.materials[i], absl::StrCat("materials[", i, "]"),
                                   Kind::kMaterial, static_cast<int>(i)));
  }
  for (std::size_t i = 0; i < lexicon.colors.size(); ++i) {
    AIGC_RETURN_IF_ERROR(add_terms(lexicon.colors[i], absl::StrCat("colors[", i, "]"), Kind::kColor,
                                   static_cast<int>(i)));
  }
  for (std::size_t i = 0; i < lexicon.seasons.size(); ++i) {
    AIGC_RETURN_IF_ERROR(add_terms(lexicon.seasons[i].term, absl::StrCat("seasons[", i, "]"),
                                   Kind::kSeason, static_cast<int>(i)));
  }
  for (std::size_t i = 0; i < lexicon.categories.size(); ++i) {
    AIGC_RETURN_IF_ERROR(add_terms(lexicon.categories[i].term, absl::StrCat("categories[", i, "]"),
                                   Kind::kCategory, static_cast<int>(i)));
  }
  for (std::size_t i = 0; i < lexicon.brands.size(); ++i) {
    AIGC_RETURN_IF_ERROR(add_terms(lexicon.brands[i], absl::StrCat("brands[", i, "]"),
                                   Kind::kBrand, static_cast<int>(i)));
  }

  for (std::size_t i = 0; i < lexicon.ignored_phrases.size(); ++i) {
    AIGC_RETURN_IF_ERROR(add(lexicon.ignored_phrases[i], absl::StrCat("ignored_phrases[", i, "]"),
                             {Kind::kIgnored}));
  }
  impl->lexicon = std::move(lexicon);
  return std::unique_ptr<FactChecker>(new FactChecker(std::move(impl)));
}

std::vector<int> FactChecker::Impl::Resolve(std::string_view value, Kind kind) const {
  std::vector<int> found;
  for (const TermMatcher::Match& m : matcher.FindAll(DecodeUtf8(value))) {
    if (entries[m.id].kind == kind) found.push_back(entries[m.id].index);
  }
  return found;
}

void FactChecker::Impl::ExtractPatterns(std::u32string_view text, std::size_t pos,
                                        std::vector<Claim>* out) const {
  const bool word_start = pos == 0 || !IsWordChar(text[pos - 1]);
  if (!word_start) return;
  auto size_context = [&](std::size_t start, std::size_t end) {
    const std::size_t before = start > 0 && text[start - 1] == U' ' ? start - 1 : start;
    return StartsAt(text, end, "码") > 0 || StartsAt(text, end, "号") > 0 ||
           EndsAt(text, before, "size") || EndsAt(text, before, "sizes") ||
           EndsAt(text, start, "尺码");
  };
  // Letter sizes are case-sensitive: a lone "m" is no size.
  for (const auto& [token, order] : kLetterSizes) {
    const std::u32string t = DecodeUtf8(token);
    const std::size_t end = pos + t.size();
    if (text.substr(pos, t.size()) != t || (end < text.size() && IsWordChar(text[end]))) continue;
    if (size_context(pos, end)) {
      Claim claim{Kind::kSize, pos, end};
      claim.size = t;
      claim.english = true;
      out->push_back(claim);
    }
    return;
  }
  if (!IsDigit(text[pos])) return;

  std::size_t end = pos;
  int64_t whole = 0;
  // More digits than any real amount: still a claim (a model's "39999989999元"
  // is a wrong price, to be repaired), held as a value no fact can equal.
  bool absurd = false;
  while (end < text.size() && IsDigit(text[end])) {
    if (whole < 1'000'000'000'000) {
      whole = whole * 10 + (FoldChar(text[end]) - '0');
    } else {
      absurd = true;
    }
    ++end;
  }
  int64_t fraction = 0;                                 // in hundredths
  bool decimals = false;
  if (end + 1 < text.size() && FoldChar(text[end]) == '.' && IsDigit(text[end + 1])) {
    decimals = true;
    std::size_t f = end + 1;
    int digits = 0;
    while (f < text.size() && IsDigit(text[f])) {
      if (digits < 2) fraction = fraction * 10 + (FoldChar(text[f]) - '0');
      ++digits;
      ++f;
    }
    if (digits == 1) fraction *= 10;
    end = f;
  }

  // Stock count: 仅剩3件, only 3 left.
  for (const char* marker : kCountMarkers) {
    const std::size_t before = pos > 0 && text[pos - 1] == U' ' ? pos - 1 : pos;
    const std::size_t marker_len = DecodeUtf8(marker).size();
    if (decimals || !EndsAt(text, before, marker)) continue;
    for (const char* unit : kCountUnits) {
      const std::size_t unit_len = StartsAt(text, end, unit);
      if (unit_len == 0) continue;
      Claim claim{Kind::kStock, before - marker_len, end + unit_len};
      claim.stock = StockClaim::kCount;
      claim.count = absurd ? std::numeric_limits<int64_t>::max() : whole;
      claim.digits_start = pos;
      claim.digits_end = end;
      claim.english = IsAscii(DecodeUtf8(marker));
      out->push_back(claim);
      return;
    }
  }

  // Price: ¥199, ￥199.00, $19.99, 199元, 199块.
  Claim claim{Kind::kPrice, pos, end};
  claim.decimals = decimals;
  std::string currency;
  if (pos > 0 && (text[pos - 1] == U'¥' || text[pos - 1] == U'￥' || text[pos - 1] == U'$')) {
    claim.prefix = text.substr(pos - 1, 1);
    claim.start = pos - 1;
    currency = text[pos - 1] == U'$' ? "USD" : "CNY";
    claim.english = text[pos - 1] != U'￥';
  } else {
    for (const char* suffix : kYuanSuffixes) {
      if (const std::size_t n = StartsAt(text, end, suffix); n > 0) {
        claim.suffix = text.substr(end, n);
        claim.end = end + n;
        currency = "CNY";
        claim.english = IsAscii(claim.suffix);
        break;
      }
    }
  }
  if (currency.empty()) {
    std::size_t word_end = pos;
    while (word_end > 0 && pos - word_end < 2 &&
           kPriceWordGap.find(text[word_end - 1]) != std::u32string_view::npos) {
      --word_end;
    }
    for (const char* word : kPriceWords) {
      if (EndsAt(text, word_end, word)) {
        currency = "CNY";
        claim.english = IsAscii(DecodeUtf8(word));
        break;
      }
    }
  }
  if (!currency.empty()) {
    claim.money.set_currency_code(currency);
    claim.money.set_amount_minor(absurd ? std::numeric_limits<int64_t>::max()
                                        : whole * 100 + fraction);
    // 满299减30元, 省20元, $5 off: a discount, not a price.
    const std::size_t off = StartsAt(text, claim.end, " off");
    if ((claim.start > 0 &&
         std::u32string_view(U"满减省降").find(text[claim.start - 1]) != std::u32string::npos) ||
        off > 0) {
      claim.kind = Kind::kDiscount;
      claim.end += off;
      out->push_back(claim);
    } else {
      const std::size_t window = claim.start >= 8 ? claim.start - 8 : 0;
      const std::u32string before = Fold(text.substr(window, claim.start - window));
      for (const char* marker : kPromotionMarkers) {
        if (before.find(Fold(DecodeUtf8(marker))) != std::u32string::npos) {
          claim.promotion_context = true;
        }
      }
      out->push_back(claim);
    }
    return;
  }

  // Numeric sizes: 38码, size 28.
  if (!decimals && whole >= 26 && whole <= 46 && size_context(pos, end)) {
    Claim size{Kind::kSize, pos, end};
    size.size = text.substr(pos, end - pos);
    out->push_back(size);
  }
}

std::vector<Claim> FactChecker::Impl::Extract(std::u32string_view text) const {
  std::vector<Claim> claims;
  std::vector<bool> covered(text.size(), false);
  for (const TermMatcher::Match& m : matcher.FindAll(text)) {
    std::fill(covered.begin() + m.start, covered.begin() + m.end, true);
    const DictEntry& entry = entries[m.id];
    if (entry.kind == Kind::kIgnored) continue;
    Claim claim{entry.kind, m.start, m.end, entry.index};
    claim.english = IsAscii(text.substr(m.start, m.end - m.start));
    claim.stock = entry.stock;
    claim.one_size = entry.kind == Kind::kSize;
    claim.size = text.substr(m.start, m.end - m.start);
    claims.push_back(claim);
  }
  std::vector<Claim> patterns;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (covered[pos]) continue;
    const std::size_t before = patterns.size();
    ExtractPatterns(text, pos, &patterns);
    if (patterns.size() > before) pos = patterns.back().end - 1;
  }
  for (const Claim& claim : patterns) {
    if (!std::any_of(covered.begin() + claim.start, covered.begin() + claim.end,
                     [](bool c) { return c; })) {
      claims.push_back(claim);
    }
  }
  std::sort(claims.begin(), claims.end(),
            [](const Claim& a, const Claim& b) { return a.start < b.start; });
  return claims;
}

std::string FactChecker::Impl::Key(std::u32string_view text, const Claim& claim) const {
  switch (claim.kind) {
    case Kind::kPrice:
      return absl::StrCat("money:", claim.money.currency_code(), ":", claim.money.amount_minor());
    case Kind::kDiscount:
      return absl::StrCat("discount:", claim.money.amount_minor());
    case Kind::kSize:
      return "size:" + EncodeUtf8(claim.one_size ? U"均码" : Fold(claim.size));
    case Kind::kStock:
      return absl::StrCat("stock:", static_cast<int>(claim.stock), ":", claim.count);
    case Kind::kBrand:
      return "brand:" + EncodeUtf8(Fold(text.substr(claim.start, claim.end - claim.start)));
    default:
      return absl::StrCat("term:", static_cast<int>(claim.kind), ":", claim.index);
  }
}

namespace {

// The verdict on one claim before repair/removal is applied.
struct Verdict {
  GroundingStatus status = copywriter::v1::GROUNDING_STATUS_SUPPORTED;
  std::string attribute;
  std::string expected;
  std::optional<std::u32string> repair;  // replacement for a contradicted claim
};

Verdict Supported(std::string attribute, std::string expected) {
  return {copywriter::v1::GROUNDING_STATUS_SUPPORTED, std::move(attribute), std::move(expected)};
}

// A wrong list item ("红色" in "白色、红色" when the product is white only)
// whose repair is to leave it out: an empty repair, applied with its list
// separator (see ListItemSpan).
Verdict Dropped(std::string attribute, std::string expected) {
  return {copywriter::v1::GROUNDING_STATUS_CONTRADICTED, std::move(attribute),
          std::move(expected), std::u32string()};
}

Verdict Unsupported(std::string attribute) {
  return {copywriter::v1::GROUNDING_STATUS_UNSUPPORTED, std::move(attribute), ""};
}

Verdict Contradicted(std::string attribute, std::string expected, bool can_repair = true) {
  Verdict verdict{copywriter::v1::GROUNDING_STATUS_CONTRADICTED, std::move(attribute),
                  std::move(expected)};
  if (can_repair) verdict.repair = DecodeUtf8(verdict.expected);
  return verdict;
}

// The price `value` written the way `claim` wrote its price.
std::string FormatLike(const Claim& claim, const Money& value) {
  if (value.currency_code() != claim.money.currency_code()) {
    return catalog::FormatPrice(value, claim.english ? common::v1::LANGUAGE_EN : common::v1::LANGUAGE_ZH);
  }
  return absl::StrCat(
      EncodeUtf8(claim.prefix),
      catalog::FormatAmount(value.amount_minor(), catalog::CurrencyExponent(value.currency_code()),
                            claim.decimals),
      EncodeUtf8(claim.suffix));
}

Verdict CheckPrice(const Claim& claim, const Facts& facts) {
  const Product& product = facts.product;
  const bool is_list = product.has_price() && SameMoney(claim.money, product.price());
  const bool is_promotion =
      std::any_of(facts.promotion_prices.begin(), facts.promotion_prices.end(),
                  [&](const Money& m) { return SameMoney(claim.money, m); });
  const std::string claimed_as = FormatLike(claim, claim.money);
  if (is_list && !claim.promotion_context) return Supported("price", claimed_as);
  if (is_promotion) return Supported("promotion", claimed_as);
  if (is_list) return Supported("price", claimed_as);
  if (claim.promotion_context && !facts.promotion_prices.empty()) {
    const Money& best = *std::min_element(
        facts.promotion_prices.begin(), facts.promotion_prices.end(),
        [](const Money& a, const Money& b) { return a.amount_minor() < b.amount_minor(); });
    return Contradicted("promotion", FormatLike(claim, best));
  }
  if (product.has_price()) return Contradicted("price", FormatLike(claim, product.price()));
  return Unsupported("price");
}

int SizeOrder(std::u32string_view size) {
  for (const auto& [token, order] : kLetterSizes) {
    if (Fold(size) == Fold(DecodeUtf8(token))) return order;
  }
  int value = 0;
  for (char32_t c : size) {
    if (!IsDigit(c) || value > 1000) return -1;
    value = value * 10 + static_cast<int>(FoldChar(c) - '0');
  }
  return size.empty() ? -1 : 100 + value;  // numbers sort after letters
}

Verdict CheckSize(const Claim& claim, const Product& product) {
  const auto is_one_size = [](std::u32string_view size) {
    const std::u32string s = Fold(size);
    return s == U"均码" || s == U"one size" || s == U"free size" || s == U"f";
  };
  if (claim.one_size) {
    const bool ok = product.sizes().empty() ||
                    std::any_of(product.sizes().begin(), product.sizes().end(),
                                [&](const std::string& s) { return is_one_size(DecodeUtf8(s)); });
    return ok ? Supported("size", EncodeUtf8(claim.size))
              : Contradicted("size", absl::StrJoin(product.sizes(), "/"), false);
  }
  if (product.sizes().empty()) return Unsupported("size");
  const int order = SizeOrder(claim.size);
  const std::string* nearest = &product.sizes(0);
  int best_distance = -1;
  for (const std::string& size : product.sizes()) {
    const int other = SizeOrder(DecodeUtf8(size));
    if (other == order && order >= 0) return Supported("size", size);
    if (Fold(DecodeUtf8(size)) == Fold(claim.size)) return Supported("size", size);
    if (order < 0 || other < 0) continue;
    const int distance = std::abs(other - order);
    if (best_distance < 0 || distance < best_distance) {
      best_distance = distance;
      nearest = &size;
    }
  }
  return Contradicted("size", *nearest);
}

Verdict CheckStock(std::u32string_view text, const Claim& claim, const Product& product) {
  const bool english = claim.english;
  const std::string in_stock = EnglishOr(english, "in stock", "现货");
  const std::string sold_out = EnglishOr(english, "sold out", "售罄");
  const std::u32string claimed(text.substr(claim.start, claim.end - claim.start));
  if (!product.has_stock_quantity()) {  // untracked: always available
    if (claim.stock == StockClaim::kInStock) return Supported("stock", in_stock);
    if (claim.stock == StockClaim::kSoldOut) return Contradicted("stock", in_stock);
    return Unsupported("stock");
  }
  const int64_t stock = product.stock_quantity();
  switch (claim.stock) {
    case StockClaim::kInStock:
      return stock > 0 ? Supported("stock", in_stock) : Contradicted("stock", sold_out);
    case StockClaim::kSoldOut:
      return stock == 0 ? Supported("stock", sold_out) : Contradicted("stock", in_stock);
    case StockClaim::kCount:
      break;
  }
  if (claim.count == stock) return Supported("stock", EncodeUtf8(claimed));
  if (stock == 0) return Contradicted("stock", sold_out);
  std::u32string repaired = claimed;
  repaired.replace(claim.digits_start - claim.start, claim.digits_end - claim.digits_start,
                   DecodeUtf8(absl::StrCat(stock)));
  return Contradicted("stock", EncodeUtf8(repaired));
}

}  // namespace

CheckedText FactChecker::Check(std::string_view text, const Facts& facts, bool repair) const {
  const Impl& impl = *impl_;
  const FactLexicon& lexicon = impl.lexicon;
  const Product& product = facts.product;
  const std::u32string chars = DecodeUtf8(text);

  absl::flat_hash_set<std::string> supported_keys;
  for (const std::string& supporting : facts.supporting_texts) {
    const std::u32string support = DecodeUtf8(supporting);
    for (const Claim& claim : impl.Extract(support)) {
      supported_keys.insert(impl.Key(support, claim));
    }
  }
  const std::vector<int> materials = impl.Resolve(product.material(), Kind::kMaterial);
  std::vector<int> colors;
  for (const std::string& color : product.colors()) {
    for (int index : impl.Resolve(color, Kind::kColor)) colors.push_back(index);
  }
  auto contains = [](const std::vector<int>& v, int x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  const std::vector<Claim> claims = impl.Extract(chars);
  std::vector<int> mentioned_colors, mentioned_seasons;
  for (const Claim& claim : claims) {
    if (claim.kind == Kind::kColor) mentioned_colors.push_back(claim.index);
    if (claim.kind == Kind::kSeason) mentioned_seasons.push_back(claim.index);
  }

  auto judge = [&](const Claim& claim) -> Verdict {
    const std::string claimed = EncodeUtf8(chars.substr(claim.start, claim.end - claim.start));
    switch (claim.kind) {
      case Kind::kPrice:
        return CheckPrice(claim, facts);
      case Kind::kDiscount:
        if (std::find(facts.discount_amounts.begin(), facts.discount_amounts.end(),
                      claim.money.amount_minor()) != facts.discount_amounts.end()) {
          return Supported("discount", claimed);
        }
        return Unsupported("discount");
      case Kind::kMaterial: {
        if (product.material().empty()) return Unsupported("material");
        if (contains(materials, claim.index)) return Supported("material", product.material());
        return Contradicted("material",
                            materials.empty()
                                ? product.material()
                                : DisplayForm(lexicon.materials[materials[0]], claim.english));
      }
      case Kind::kColor: {
        if (product.colors().empty()) return Unsupported("color");
        if (contains(colors, claim.index)) return Supported("color", claimed);
        for (const std::string& color : product.colors()) {
          if (Fold(DecodeUtf8(color)) == Fold(DecodeUtf8(claimed))) {
            return Supported("color", color);
          }
        }
        // The product's first colour the text does not already name, so a
        // repaired list does not repeat a colour ("藏青、藏青"); when it names
        // them all, the wrong one is dropped from its list.
        int pick = -1;
        for (int i = 0; i < product.colors_size(); ++i) {
          const std::vector<int> resolved = impl.Resolve(product.colors(i), Kind::kColor);
          if (resolved.empty() || !contains(mentioned_colors, resolved[0])) {
            pick = i;
            break;
          }
        }
        if (pick < 0) return Dropped("color", product.colors(0));
        const std::vector<int> resolved = impl.Resolve(product.colors(pick), Kind::kColor);
        // Named from now on: the next wrong colour gets another one, or goes.
        if (!resolved.empty()) mentioned_colors.push_back(resolved[0]);
        return Contradicted("color", resolved.empty()
                                         ? product.colors(pick)
                                         : DisplayForm(lexicon.colors[resolved[0]], claim.english));
      }
      case Kind::kSeason: {
        if (product.seasons().empty()) return Unsupported("season");
        const common::v1::Season season = lexicon.seasons[claim.index].season;
        const auto has = [&](common::v1::Season s) {
          return std::find(product.seasons().begin(), product.seasons().end(), s) !=
                 product.seasons().end();
        };
        if (has(season) || has(common::v1::SEASON_ALL_YEAR) ||
            (season == common::v1::SEASON_ALL_YEAR && product.seasons_size() == 4)) {
          return Supported("season", claimed);
        }
        // As for colours: the product's first season the text does not name
        // yet, else the wrong one is dropped from its list.
        for (const int product_season : product.seasons()) {
          for (size_t i = 0; i < lexicon.seasons.size(); ++i) {
            if (lexicon.seasons[i].season == product_season &&
                !contains(mentioned_seasons, static_cast<int>(i))) {
              mentioned_seasons.push_back(static_cast<int>(i));
              return Contradicted("season", DisplayForm(lexicon.seasons[i].term, claim.english));
            }
          }
        }
        return Dropped("season", common::v1::Season_Name(product.seasons(0)));
      }
      case Kind::kCategory: {
        if (product.category() == common::v1::CATEGORY_UNSPECIFIED) {
          return Unsupported("category");
        }
        if (lexicon.categories[claim.index].category == product.category()) {
          return Supported("category", claimed);
        }
        for (const CategoryTerm& term : lexicon.categories) {
          if (term.category == product.category()) {
            return Contradicted("category", DisplayForm(term.term, claim.english));
          }
        }
        return Contradicted("category", common::v1::Category_Name(product.category()), false);
      }
      case Kind::kBrand: {
        if (product.brand().empty()) return Unsupported("brand");
        const std::vector<int> brand = impl.Resolve(product.brand(), Kind::kBrand);
        if (contains(brand, claim.index) ||
            Fold(DecodeUtf8(product.brand())) == Fold(DecodeUtf8(claimed))) {
          return Supported("brand", product.brand());
        }
        // The product's brand in the claim's language when the lexicon knows it.
        return Contradicted("brand", brand.empty()
                                         ? product.brand()
                                         : DisplayForm(lexicon.brands[brand[0]], claim.english));
      }
      case Kind::kSize:
        return CheckSize(claim, product);
      case Kind::kStock:
        return CheckStock(chars, claim, product);
      case Kind::kIgnored:
        break;
    }
    return Unsupported("unknown");
  };

  CheckedText result;
  copywriter::v1::GroundingReport& report = result.report;
  struct Edit {
    std::size_t start, end;
    std::u32string replacement;
  };
  std::vector<Edit> removals, repairs;
  for (const Claim& claim : claims) {
    Verdict verdict = judge(claim);
    if (verdict.status != copywriter::v1::GROUNDING_STATUS_SUPPORTED &&
        supported_keys.contains(impl.Key(chars, claim))) {
      verdict = Supported(verdict.attribute,
                          EncodeUtf8(chars.substr(claim.start, claim.end - claim.start)));
    }
    if (repair && verdict.status == copywriter::v1::GROUNDING_STATUS_CONTRADICTED &&
        verdict.repair) {
      verdict.status = copywriter::v1::GROUNDING_STATUS_REPAIRED;
      if (verdict.repair->empty()) {
        const auto [begin, end] = ListItemSpan(chars, claim.start, claim.end);
        repairs.push_back({begin, end, U""});
      } else {
        repairs.push_back({claim.start, claim.end, *verdict.repair});
      }
    }
    if (repair && verdict.status == copywriter::v1::GROUNDING_STATUS_UNSUPPORTED) {
      const auto [begin, end] = ClauseAround(chars, claim.start, claim.end);
      removals.push_back({begin, end, U""});
    }
    GroundingFinding& finding = *report.add_findings();
    finding.set_attribute(verdict.attribute);
    finding.set_claimed(EncodeUtf8(chars.substr(claim.start, claim.end - claim.start)));
    if (verdict.status != copywriter::v1::GROUNDING_STATUS_UNSUPPORTED) {
      finding.set_expected(verdict.expected);
    }
    finding.set_status(verdict.status);
    finding.set_start_offset(static_cast<int32_t>(claim.start));
    finding.set_end_offset(static_cast<int32_t>(claim.end));
    switch (verdict.status) {
      case copywriter::v1::GROUNDING_STATUS_SUPPORTED:
        report.set_facts_supported(report.facts_supported() + 1);
        break;
      case copywriter::v1::GROUNDING_STATUS_REPAIRED:
        report.set_facts_repaired(report.facts_repaired() + 1);
        break;
      case copywriter::v1::GROUNDING_STATUS_CONTRADICTED:
        report.set_facts_contradicted(report.facts_contradicted() + 1);
        break;
      default:
        report.set_facts_unsupported(report.facts_unsupported() + 1);
        break;
    }
  }
  report.set_facts_checked(report.findings_size());
  report.set_grounded(report.facts_contradicted() == 0 &&
                      (repair || report.facts_unsupported() == 0));

  // Removed clauses swallow repairs inside them; edits never overlap then.
  std::vector<Edit> edits = removals;
  for (const Edit& r : repairs) {
    const bool removed = std::any_of(removals.begin(), removals.end(), [&](const Edit& c) {
      return c.start <= r.start && r.end <= c.end;
    });
    if (!removed) edits.push_back(r);
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  if (edits.empty()) {
    result.text = std::string(text);
    return result;
  }
  std::u32string out;
  std::size_t pos = 0;
  for (Edit edit : edits) {
    if (edit.start < pos) {
      // The same clause removed for two claims, or two dropped list items
      // sharing the separator between them: delete what is left, and the
      // separator after it, which now follows nothing ("红色、黑色和米白" with
      // both colours dropped -> "米白").
      if (!edit.replacement.empty() || edit.end <= pos) continue;
      edit.start = pos;
      edit.end = SeparatorEnd(chars, edit.end);
    }
    out.append(chars, pos, edit.start - pos);
    out += edit.replacement;
    pos = edit.end;
  }
  out.append(chars, pos, std::u32string::npos);
  result.text = EncodeUtf8(out);
  return result;
}

}  // namespace aigc::copy_grounding
