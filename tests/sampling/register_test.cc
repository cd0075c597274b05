// ParseRegister: the register a draw runs on is read whole or not at all,
// and every problem names its file, row and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "sampling/sampling.h"
#include "testing/status_matchers.h"

namespace duban::sampling {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RegisterTest, ReadsChineseHeadersAndValues) {
  const std::string csv =
      "序号,房屋编号,区划代码,乡镇（街道）,是否经营性,隐患等级,备注\n"
      "1,H-1,620102001001,东岗街道,是,严重,\n"
      "2,H-2,620102001002,东岗街道,否,无,\n"
      "3,H-3,620102002001,拱星墩街道,0,倒塌风险,临街\n"
      "4,H-4,620102002002,拱星墩街道,true,,\n";
  Result<Register> reg = ParseRegister(csv, "houses.csv");
  ASSERT_OK(reg);
  ASSERT_EQ(reg->houses.size(), 4u);
  EXPECT_EQ(reg->file, "houses.csv");
  EXPECT_EQ(reg->sha256, crypto::Sha256Hex(csv));
  const RegisterHouse& h1 = reg->houses[0];
  EXPECT_EQ(h1.id, "H-1");
  EXPECT_EQ(h1.division_code, "620102001001");
  EXPECT_EQ(h1.town, "东岗街道");
  EXPECT_TRUE(h1.commercial);
  EXPECT_EQ(h1.hazard_level, "serious");
  EXPECT_EQ(h1.row, 2);
  EXPECT_EQ(reg->houses[1].hazard_level, "none");
  EXPECT_FALSE(IsHazard(reg->houses[1]));
  EXPECT_EQ(reg->houses[2].hazard_level, "collapse_risk");
  EXPECT_FALSE(reg->houses[2].commercial);
  EXPECT_EQ(reg->houses[3].hazard_level, "");
  EXPECT_TRUE(IsHazard(reg->houses[3]));
  EXPECT_TRUE(reg->houses[3].commercial);
}

TEST(RegisterTest, EnglishHeadersAndGb18030AndTheHashIsOverTheBytes) {
  // "城关镇" in GB18030, as Excel on a Chinese Windows saves plain CSV.
  const std::string csv =
      "house_id,division_code,town,commercial\r\nH-1,620102001001,\xB3\xC7\xB9\xD8\xD5\xF2,1\r\n";
  Result<Register> reg = ParseRegister(csv, "register.csv");
  ASSERT_OK(reg);
  ASSERT_EQ(reg->houses.size(), 1u);
  EXPECT_EQ(reg->houses[0].town, "城关镇");
  // sha256sum of the file, not of the decoded text.
  EXPECT_EQ(reg->sha256, "43d13510688e535fde8f66672a82821972b4a0d8265c525be5f2c00b8bc99c66");
}

TEST(RegisterTest, AMissingColumnRefusesTheFile) {
  Result<Register> reg =
      ParseRegister("房屋编号,区划代码,是否经营性\nH-1,620102001001,是\n", "houses.csv");
  ASSERT_FALSE(reg.ok());
  EXPECT_EQ(reg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(reg.status().message(), HasSubstr("houses.csv 第1行: 缺少必填列 town"));
}

TEST(RegisterTest, EveryBadRowIsListedAndNothingIsReturned) {
  const std::string csv =
      "房屋编号,区划代码,乡镇（街道）,是否经营性,隐患等级\n"
      "H-1,620102001001,东岗街道,是,一般\n"
      "H-2,620102001002,东岗街道,也许,一般\n"
      "H-1,620102001003,东岗街道,否,一般\n"
      "H-4,6201,东岗街道,否,一般\n"
      "H-5,6.20102E+11,东岗街道,否,一般\n"
      "H-6,620102001006,,否,一般\n"
      "H-7,620102001007,东岗街道,否,很严重\n"
      "H-8,620102001008,东岗街道\n"
      "H-9,620102001009,东岗街道,否,一般\n";
  Result<Register> reg = ParseRegister(csv, "houses.csv");
  ASSERT_FALSE(reg.ok());
  const std::string m = reg.status().message();
  EXPECT_THAT(m, HasSubstr("houses.csv: 隐患房屋台账有7处错误，未抽取"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第3行 D列(是否经营性): 是否经营性 '也许' 应为 是/否"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第4行 A列(房屋编号): 编号 'H-1' 与第2行重复"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第5行 B列(区划代码): 区划代码 '6201' 应为6到12位数字"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第6行 B列(区划代码): 区划代码 '6.20102E+11' 被Excel"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第7行 C列(乡镇（街道）): 乡镇（街道）为空"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第8行 E列(隐患等级): 隐患等级 '很严重' 应为"));
  EXPECT_THAT(m, HasSubstr("houses.csv 第9行: 本行有3列，表头有5列"));
  EXPECT_THAT(m, Not(HasSubstr("第10行")));
  EXPECT_THAT(m, Not(HasSubstr("第2行 ")));
}

TEST(RegisterTest, EmptyCommercialCellAndEmptyFileAreErrors) {
  Result<Register> reg = ParseRegister(
      "house_id,division_code,town,commercial\nH-1,620102001001,东岗街道,\n", "h.csv");
  ASSERT_FALSE(reg.ok());
  EXPECT_THAT(reg.status().message(), HasSubstr("h.csv 第2行 D列(commercial): 是否经营性为空"));

  Result<Register> header_only = ParseRegister("house_id,division_code,town,commercial\n", "h.csv");
  ASSERT_FALSE(header_only.ok());
  EXPECT_THAT(header_only.status().message(), HasSubstr("h.csv: 台账中没有房屋"));
  EXPECT_FALSE(ParseRegister("", "h.csv").ok());
}

}  // namespace
}  // namespace duban::sampling
