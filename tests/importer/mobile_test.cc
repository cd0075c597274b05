// Mainland mobile numbers per channels.md §6.
#include <gtest/gtest.h>

#include "importer/importer.h"

namespace duban::importer {
namespace {

TEST(MobileTest, NormalisesAcceptedSpellings) {
  const struct {
    const char* raw;
    const char* want;
  } cases[] = {
      {"13800000001", "+8613800000001"},
      {"138 0000 0001", "+8613800000001"},
      {"138-0000-0001", "+8613800000001"},
      {" 13800000001 ", "+8613800000001"},
      {"+8613800000001", "+8613800000001"},
      {"+86 138 0000 0001", "+8613800000001"},
      {"008613800000001", "+8613800000001"},
      {"8613800000001", "+8613800000001"},    // bare 86, 13 digits
      {"１３８０００００００１", "+8613800000001"},  // full-width digits
      {"19900000001", "+8619900000001"},
      {"14500000001", "+8614500000001"},      // data-only ranges pass (loose)
  };
  for (const auto& c : cases) {
    Result<std::string> m = NormalizeMobile(c.raw);
    ASSERT_TRUE(m.ok()) << c.raw << ": " << m.status().ToString();
    EXPECT_EQ(*m, c.want) << c.raw;
  }
}

TEST(MobileTest, RejectsNonMobiles) {
  for (const char* raw : {"1380000", "12800000001", "23800000001", "138000000011",
                          "86138000000", "+85291234567", "0351-1234567", "138000O0001",
                          "+86 12800000001", "abc"}) {
    Result<std::string> m = NormalizeMobile(raw);
    EXPECT_FALSE(m.ok()) << raw;
  }
}

TEST(MobileTest, ReasonNamesTheNumberAsWritten) {
  Result<std::string> m = NormalizeMobile("1380000");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(),
            "手机号 '1380000' 不是11位大陆手机号 (mobile '1380000' is not an 11-digit "
            "mainland number)");
}

TEST(MobileTest, SpotsExcelScientificNotation) {
  Result<std::string> m = NormalizeMobile("1.38E+10");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "手机号 '1.38E+10' 像是被 Excel 改成了科学计数法，请把该列设为文本后重新导出 "
            "(mobile '1.38E+10' looks like Excel scientific notation; format the column as "
            "text and export again)");
}

}  // namespace
}  // namespace duban::importer
