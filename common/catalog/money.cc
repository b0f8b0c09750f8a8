#include "common/catalog/money.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace aigc::catalog {

int CurrencyExponent(absl::string_view currency_code) {
  return currency_code == "JPY" || currency_code == "KRW" ? 0 : 2;
}

std::string FormatAmount(int64_t amount_minor, int exponent, bool all_decimals) {
  int64_t unit = 1;
  for (int i = 0; i < exponent; ++i) unit *= 10;
  const int64_t magnitude = std::llabs(amount_minor);
  std::string out = absl::StrCat(amount_minor < 0 ? "-" : "", magnitude / unit);
  if (exponent > 0 && (all_decimals || magnitude % unit != 0)) {
    std::string fraction = absl::StrCat(magnitude % unit);
    fraction.insert(0, exponent - fraction.size(), '0');
    absl::StrAppend(&out, ".", fraction);
  }
  return out;
}

std::string FormatPrice(const common::v1::Money& money, common::v1::Language language) {
  const std::string& code = money.currency_code();
  if (code.empty()) return "";
  const std::string amount = FormatAmount(money.amount_minor(), CurrencyExponent(code));
  if (code == "CNY") {
    return language == common::v1::LANGUAGE_EN ? absl::StrCat("¥", amount)
                                               : absl::StrCat(amount, "元");
  }
  if (code == "USD") return absl::StrCat("$", amount);
  return absl::StrCat(amount, " ", code);
}

}  // namespace aigc::catalog
