// Prices as text: the one way copy, live replies and the fact checker write
// an aigc.common.v1.Money.
#ifndef AIGC_COMMON_CATALOG_MONEY_H_
#define AIGC_COMMON_CATALOG_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "aigc/common/v1/common.pb.h"

namespace aigc::catalog {

// Digits of the minor unit (ISO 4217): 0 for JPY and KRW, 2 otherwise.
int CurrencyExponent(absl::string_view currency_code);

// `amount_minor` in major units: "199" for a whole amount, "199.50" (every
// minor digit) otherwise or when `all_decimals` is set.
std::string FormatAmount(int64_t amount_minor, int exponent, bool all_decimals = false);

// The price as text: CNY "199元" in Chinese and "¥199" in English, USD
// "$19.99", other currencies "500 JPY"; "" for an empty currency code.
// LANGUAGE_EN = English, anything else Chinese.
std::string FormatPrice(const common::v1::Money& money, common::v1::Language language);

}  // namespace aigc::catalog

#endif  // AIGC_COMMON_CATALOG_MONEY_H_
