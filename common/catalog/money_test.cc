#include "common/catalog/money.h"

#include "gtest/gtest.h"

namespace aigc::catalog {
namespace {

namespace v1 = aigc::common::v1;

v1::Money Money(int64_t minor, const std::string& code) {
  v1::Money money;
  money.set_amount_minor(minor);
  money.set_currency_code(code);
  return money;
}

TEST(MoneyTest, FormatsMinorUnitsPerCurrencyAndLanguage) {
  EXPECT_EQ(FormatPrice(Money(19900, "CNY"), v1::LANGUAGE_ZH), "199元");
  EXPECT_EQ(FormatPrice(Money(19950, "CNY"), v1::LANGUAGE_ZH), "199.50元");
  EXPECT_EQ(FormatPrice(Money(19900, "CNY"), v1::LANGUAGE_EN), "¥199");
  EXPECT_EQ(FormatPrice(Money(19900, "CNY"), v1::LANGUAGE_UNSPECIFIED), "199元");
  EXPECT_EQ(FormatPrice(Money(1999, "USD"), v1::LANGUAGE_EN), "$19.99");
  EXPECT_EQ(FormatPrice(Money(5, "EUR"), v1::LANGUAGE_ZH), "0.05 EUR");
  EXPECT_EQ(FormatPrice(Money(500, "JPY"), v1::LANGUAGE_EN), "500 JPY");
  EXPECT_EQ(FormatPrice(Money(100, ""), v1::LANGUAGE_ZH), "");
}

TEST(MoneyTest, AmountsKeepEveryMinorDigitWhenAsked) {
  EXPECT_EQ(FormatAmount(19900, 2), "199");
  EXPECT_EQ(FormatAmount(19900, 2, /*all_decimals=*/true), "199.00");
  EXPECT_EQ(FormatAmount(-1205, 2), "-12.05");
  EXPECT_EQ(FormatAmount(500, 0, true), "500");
  EXPECT_EQ(CurrencyExponent("KRW"), 0);
  EXPECT_EQ(CurrencyExponent("CNY"), 2);
}

}  // namespace
}  // namespace aigc::catalog
