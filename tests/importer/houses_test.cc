// houses.csv: villages only, yes/no cells, hazard levels, aliases, and a
// CRLF file with quoted fields.
#include <gtest/gtest.h>

#include "importer/importer.h"
#include "importer_test_util.h"

namespace duban::importer {
namespace {

using testing::Rejections;
using Lines = std::vector<std::string>;

constexpr char kHeader[] =
    "id,unit_id,address,is_commercial,business_type,floors,structure,altered,steel,"
    "hazard_level\n";

HouseContext Context() {
  return HouseContext{{{"jiafeng", model::Level::kTown},
                       {"jf-jiafeng", model::Level::kVillage},
                       {"jf-lizhuang", model::Level::kVillage}}};
}

HouseImport Parse(const std::string& rows) {
  return ParseHouses(kHeader + rows, "houses.csv", Context());
}

TEST(HousesTest, ReadsChineseValuesAsCanonicalNames) {
  const HouseImport in = Parse(
      "h1,jf-jiafeng,东街12号,是,餐饮,3层,钢筋混凝土,是,否,倒塌风险\n"
      "h2,jf-lizhuang,后街2号,否,,,,,,无\n");
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 2u);
  const model::House& h = in.records[0];
  EXPECT_TRUE(h.is_commercial);
  EXPECT_EQ(h.business_type, "restaurant");
  EXPECT_EQ(h.floors, 3);
  EXPECT_EQ(h.structure, "concrete");
  EXPECT_TRUE(h.altered);
  EXPECT_FALSE(h.steel);
  EXPECT_EQ(h.hazard_level, "collapse_risk");
  EXPECT_FALSE(in.records[1].is_commercial);
  EXPECT_EQ(in.records[1].floors, 0);  // unknown
  EXPECT_EQ(in.records[1].hazard_level, "none");
}

TEST(HousesTest, UnknownBusinessTypeIsKeptAsWritten) {
  const HouseImport in = Parse("h1,jf-jiafeng,东街1号,1,洗车,2,砖混,0,0,general\n");
  ASSERT_EQ(in.records.size(), 1u);
  EXPECT_EQ(in.records[0].business_type, "洗车");
  EXPECT_EQ(in.records[0].structure, "masonry");
}

TEST(HousesTest, HouseMustBelongToAKnownVillage) {
  const HouseImport in = Parse(
      "h1,jiafeng,镇政府旁,否,,2,,,,无\n"
      "h2,jf-lizhuan,李庄,否,,2,,,,无\n");
  EXPECT_EQ(Rejections(in),
            (Lines{"houses.csv 第2行 B列(unit_id): 所属单位 'jiafeng' 是镇级，房屋只能属于村 "
                   "(unit 'jiafeng' is a town; houses belong to villages)",
                   "houses.csv 第3行 B列(unit_id): 所属村 'jf-lizhuan' 不存在，是否应为 "
                   "'jf-lizhuang' (unit 'jf-lizhuan' is not known; did you mean "
                   "'jf-lizhuang'?)"}));
}

TEST(HousesTest, CellRules) {
  const HouseImport in = Parse(
      "h1,jf-jiafeng,东街1号,也许,,2,,,,无\n"
      "h2,jf-jiafeng,东街2号,否,商铺,2,,,,无\n"
      "h3,jf-jiafeng,东街3号,否,,两层,,,,无\n"
      "h4,jf-jiafeng,东街4号,否,,2,,,,很危险\n"
      "h5,jf-jiafeng,,否,,2,,maybe,,\n"
      "h1,jf-jiafeng,东街6号,否,,2,,,,无\n");
  EXPECT_EQ(
      Rejections(in),
      (Lines{"houses.csv 第2行 D列(is_commercial): 是否经营性 '也许' 应为 是/否 (is_commercial "
             "'也许' must be yes or no: 是/否, true/false, 1/0)",
             "houses.csv 第3行 E列(business_type): 非经营性房屋不应填写经营类型 '商铺' "
             "(business_type '商铺' is set but the house is not commercial)",
             "houses.csv 第4行 F列(floors): 层数 '两层' 应为1到99的整数 (floors '两层' must be a "
             "whole number from 1 to 99)",
             "houses.csv 第5行 J列(hazard_level): 隐患等级 '很危险' 应为 无/一般/严重/倒塌风险 "
             "(hazard_level '很危险' is not none, general, serious or collapse_risk)",
             "houses.csv 第6行 C列(address): 地址为空 (address is empty)",
             "houses.csv 第6行 H列(altered): 加改扩建 'maybe' 应为 是/否 (altered 'maybe' must "
             "be yes or no: 是/否, true/false, 1/0)",
             "houses.csv 第6行 J列(hazard_level): 隐患等级为空，应为 无/一般/严重/倒塌风险 "
             "(hazard_level is empty; write none, general, serious or collapse_risk)",
             "houses.csv 第7行 A列(id): 编号 'h1' 与第2行重复 (id 'h1' duplicates row 2)"}));
  EXPECT_TRUE(in.records.empty());
}

TEST(HousesTest, ExcelMangledIdIsCaught) {
  const HouseImport in = Parse("1.40521E+14,jf-jiafeng,东街1号,否,,2,,,,无\n");
  EXPECT_EQ(Rejections(in),
            Lines{"houses.csv 第2行 A列(id): 编号 '1.40521E+14' 像是被 Excel "
                  "改成了科学计数法，请把该列设为文本后重新导出 (id '1.40521E+14' looks like "
                  "Excel scientific notation; format the column as text and export again)"});
}

TEST(HousesTest, CrLfFixtureWithQuotedFields) {
  const HouseImport in = ParseHouses(
      testing::ReadSource("tests/data/import/houses_crlf_quoted.csv"), "houses.csv", Context());
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 4u);
  EXPECT_EQ(in.records[0].address, "嘉峰村东街12号,临街商铺");
  EXPECT_EQ(in.records[0].business_type, "shop");
  EXPECT_EQ(in.records[1].address, "嘉峰村\"老供销社\"旧址");
  EXPECT_EQ(in.records[1].hazard_level, "general");
  EXPECT_EQ(in.records[2].address, "嘉峰村西街3号\n（后院加建）");
  EXPECT_EQ(in.records[2].hazard_level, "serious");
  EXPECT_EQ(in.records[3].id, "JF-01-004");
  EXPECT_EQ(in.data_rows, 4);  // the two trailing empty lines do not count
}

TEST(HousesTest, RowNumbersCountSpreadsheetRowsNotLines) {
  const HouseImport in = ParseHouses(
      std::string(kHeader) +
          "h1,jf-jiafeng,\"两行\r\n地址\",否,,2,,,,无\r\n"
          "\r\n"
          "h2,jf-jiafeng,东街2号,否,,2,,,,不知道\r\n",
      "houses.csv", Context());
  ASSERT_EQ(in.rejections.size(), 1u);
  EXPECT_EQ(in.rejections[0].row, 4);  // header, h1, a blank row, h2
  EXPECT_EQ(in.records.size(), 1u);
}

}  // namespace
}  // namespace duban::importer
