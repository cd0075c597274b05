// units.csv: columns, levels, division codes and the hierarchy checks, each
// with the exact row and reason a user sees.
#include <gtest/gtest.h>

#include "importer/importer.h"
#include "importer_test_util.h"

namespace duban::importer {
namespace {

using testing::Rejections;
using Lines = std::vector<std::string>;

constexpr char kHeader[] = "id,name,level,parent_id,division_code,attached_level\n";

UnitImport Parse(const std::string& rows, std::vector<model::Unit> existing =
                                              testing::ExistingChain()) {
  return ParseUnits(kHeader + rows, "units.csv", UnitContext{std::move(existing)});
}

std::vector<std::string> Ids(const UnitImport& in) {
  std::vector<std::string> ids;
  for (const auto& u : in.records) ids.push_back(u.id);
  return ids;
}

TEST(UnitsTest, ParentsMayComeLaterInTheFile) {
  const UnitImport in = Parse(
      "v1,嘉峰村,village,jf,140521104201,\n"
      "jf,嘉峰镇,town,qinshui,140521104,\n"
      "dept,嘉峰市场监管所,department,jf,,town\n");
  EXPECT_EQ(Rejections(in), Lines{});
  EXPECT_EQ(Ids(in), (Lines{"v1", "jf", "dept"}));
  EXPECT_EQ(in.records[0].level, model::Level::kVillage);
  EXPECT_EQ(in.records[1].division_code, "140521104000");  // padded to 12
  EXPECT_EQ(in.records[2].attached_level, model::Level::kTown);
  EXPECT_EQ(in.data_rows, 3);
}

TEST(UnitsTest, AcceptsChineseHeadersAndLevels) {
  const UnitImport in = ParseUnits(
      "编号,名称,层级,上级编号,区划代码,所属层级\n"
      "jf,嘉峰镇,乡,qinshui,,\n"
      "c1,南街社区,社区,jf,,\n"
      "d1,消防救援站,成员单位,jf,,镇\n",
      "units.csv", UnitContext{testing::ExistingChain()});
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 3u);
  EXPECT_EQ(in.records[0].level, model::Level::kTown);
  EXPECT_EQ(in.records[1].level, model::Level::kVillage);
  EXPECT_EQ(in.records[2].level, model::Level::kDepartment);
}

TEST(UnitsTest, UnknownParent) {
  const UnitImport in = Parse("jf,嘉峰镇,town,qinshui,,\nv1,某村,village,nowhere,,\n");
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第3行 D列(parent_id): 上级单位 'nowhere' "
                  "不存在（文件和数据库中都没有） (parent 'nowhere' is neither in this file "
                  "nor in the database)"});
  EXPECT_EQ(Ids(in), Lines{"jf"});
}

TEST(UnitsTest, DuplicateIdKeepsTheFirstRow) {
  const UnitImport in = Parse(
      "jf,嘉峰镇,town,qinshui,,\n"
      "v1,嘉峰村,village,jf,,\n"
      "v1,李庄村,village,jf,,\n");
  EXPECT_EQ(Rejections(in), Lines{"units.csv 第4行 A列(id): 编号 'v1' 与第3行重复 (id 'v1' "
                                  "duplicates row 3)"});
  EXPECT_EQ(Ids(in), (Lines{"jf", "v1"}));
  EXPECT_EQ(in.records[1].name, "嘉峰村");
}

TEST(UnitsTest, CycleRejectsEveryUnitOnItAndOrphansTheirChildren) {
  const UnitImport in = Parse(
      "a,甲镇,town,c,,\n"
      "b,乙镇,town,a,,\n"
      "c,丙镇,town,b,,\n"
      "v,某村,village,a,,\n"
      "ok,嘉峰镇,town,qinshui,,\n");
  EXPECT_EQ(Rejections(in),
            (Lines{"units.csv 第2行 D列(parent_id): 上级关系成环: a → c → b → a (parent "
                   "cycle: a → c → b → a)",
                   "units.csv 第3行 D列(parent_id): 上级关系成环: b → a → c → b (parent "
                   "cycle: b → a → c → b)",
                   "units.csv 第4行 D列(parent_id): 上级关系成环: c → b → a → c (parent "
                   "cycle: c → b → a → c)",
                   "units.csv 第5行 D列(parent_id): 上级单位 'a' 在第2行被拒绝 (parent 'a' "
                   "was rejected at row 2)"}));
  EXPECT_EQ(Ids(in), Lines{"ok"});
  EXPECT_EQ(in.RejectedRows(), 4);
}

TEST(UnitsTest, OwnParentIsACycle) {
  const UnitImport in = Parse("x,某镇,town,x,,\n");
  EXPECT_EQ(Rejections(in), Lines{"units.csv 第2行 D列(parent_id): 上级关系成环: x → x "
                                  "(parent cycle: x → x)"});
}

TEST(UnitsTest, CycleThroughADatabaseUnit) {
  // The database has qinshui → jf → v1; the file moves jf under v1.
  std::vector<model::Unit> existing = testing::ExistingChain();
  existing.push_back({"jf", "嘉峰镇", model::Level::kTown, "qinshui", "", std::nullopt});
  existing.push_back({"v1", "嘉峰村", model::Level::kVillage, "jf", "", std::nullopt});
  const UnitImport in = Parse("jf,嘉峰镇,town,v1,,\n", existing);
  EXPECT_EQ(Rejections(in), Lines{"units.csv 第2行 D列(parent_id): 上级关系成环: jf → v1 → "
                                  "jf (parent cycle: jf → v1 → jf)"});
}

TEST(UnitsTest, ParentMustBeAboveTheChild) {
  const UnitImport in = Parse(
      "jf,嘉峰镇,town,qinshui,,\n"
      "v1,嘉峰村,village,jf,,\n"
      "v2,小组,village,v1,,\n"
      "t2,某镇,town,jf,,\n");
  EXPECT_EQ(Rejections(in),
            (Lines{"units.csv 第4行 D列(parent_id): 上级单位 'v1' 是村级，不高于本单位的村级 "
                   "(parent 'v1' is a village, not above a village)",
                   "units.csv 第5行 D列(parent_id): 上级单位 'jf' 是镇级，不高于本单位的镇级 "
                   "(parent 'jf' is a town, not above a town)"}));
}

TEST(UnitsTest, LevelsMaySkipLikeMunicipalities) {
  // A county-level city directly under the province.
  const UnitImport in = Parse("gaoping,高平市,county,shanxi,140581,\n");
  EXPECT_EQ(Rejections(in), Lines{});
}

TEST(UnitsTest, DepartmentParentMustBeOfItsAttachedLevel) {
  const UnitImport in = Parse(
      "jf,嘉峰镇,town,qinshui,,\n"
      "d1,市场监管所,department,jf,,town\n"
      "d2,消防救援站,department,qinshui,,town\n");
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第4行 D列(parent_id): 部门挂靠镇级，但上级单位 'qinshui' 是县级 "
                  "(the department is attached to the town level but parent 'qinshui' is a "
                  "county)"});
}

TEST(UnitsTest, DepartmentNeedsAttachedLevelAndParent) {
  const UnitImport in = Parse(
      "jf,嘉峰镇,town,qinshui,,\n"
      "d1,市场监管所,department,jf,,\n"
      "d2,消防救援站,department,,,town\n"
      "d3,派出所,department,jf,,department\n");
  EXPECT_EQ(Rejections(in),
            (Lines{"units.csv 第3行 F列(attached_level): 部门必须填写所属层级（挂靠哪一级） (a "
                   "department needs attached_level, the level it belongs to)",
                   "units.csv 第4行 D列(parent_id): 部门必须填写上级单位 (a department needs a "
                   "parent unit)",
                   "units.csv 第5行 F列(attached_level): 所属层级 'department' 应为 "
                   "省/市/县/镇/村 (attached_level 'department' is not province, city, "
                   "county, town or village)"}));
}

TEST(UnitsTest, AdministrativeUnitMustNotHaveAttachedLevel) {
  const UnitImport in = Parse("jf,嘉峰镇,town,qinshui,,county\n");
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第2行 F列(attached_level): 镇级单位不填所属层级 'county'，"
                  "只有部门才填 (attached_level 'county' is only for departments, not for a "
                  "town)"});
}

TEST(UnitsTest, NothingHangsUnderADepartment) {
  const UnitImport in = Parse(
      "jf,嘉峰镇,town,qinshui,,\n"
      "d1,市场监管所,department,jf,,town\n"
      "v1,某村,village,d1,,\n");
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第4行 D列(parent_id): 上级单位 'd1' 是部门，下面不能有单位 "
                  "(parent 'd1' is a department and cannot have units under it)"});
}

TEST(UnitsTest, UnknownLevelAndEmptyCells) {
  const UnitImport in = Parse("g1,某组,组,qinshui,,\n,,village,qinshui,,\n");
  EXPECT_EQ(Rejections(in),
            (Lines{"units.csv 第2行 C列(level): 层级 '组' 无法识别，应为 省/市/县/镇/村/部门 "
                   "(level '组' is not province, city, county, town, village or department)",
                   "units.csv 第3行 A列(id): 编号为空 (id is empty)",
                   "units.csv 第3行 B列(name): 名称为空 (name is empty)"}));
  EXPECT_EQ(in.RejectedRows(), 2);
}

TEST(UnitsTest, DivisionCodeDigitsAndLengthPerLevel) {
  const struct {
    const char* row;
    const char* want;  // the stored code, or the rejection
  } cases[] = {
      {"jf,嘉峰镇,town,qinshui,140521104,", "140521104000"},
      {"jf,嘉峰镇,town,qinshui,140521104000,", "140521104000"},
      {"jf,嘉峰镇,town,qinshui,1405211,",
       "units.csv 第2行 E列(division_code): 镇级区划代码 '1405211' 应为9位，或末3位为0的12位 "
       "(a town's division code '1405211' must have 9 digits, or 12 ending in 3 zeros)"},
      {"jf,嘉峰镇,town,qinshui,140521104001,",
       "units.csv 第2行 E列(division_code): 镇级区划代码 '140521104001' 应为9位，或末3位为0的"
       "12位 (a town's division code '140521104001' must have 9 digits, or 12 ending in 3 "
       "zeros)"},
      {"v1,嘉峰村,village,qinshui,140521104201,", "140521104201"},
      {"v1,嘉峰村,village,qinshui,140521104,",
       "units.csv 第2行 E列(division_code): 村级区划代码 '140521104' 应为12位 (a village's "
       "division code '140521104' must have 12 digits)"},
      {"v1,嘉峰村,village,qinshui,14052110420X,",
       "units.csv 第2行 E列(division_code): 区划代码 '14052110420X' 只能是数字 (division "
       "code '14052110420X' must be digits only)"},
      {"gp,高平市,county,jincheng,140500,",
       "units.csv 第2行 E列(division_code): 县级区划代码 '140500' 的第5–6位不能全为0 (digits "
       "5-6 of a county's division code '140500' cannot all be 0)"},
      {"d1,市场监管所,department,qinshui,1405,county",
       "units.csv 第2行 E列(division_code): 部门没有区划代码，请留空 (a department has no "
       "division code; leave it empty)"},
      {"v1,嘉峰村,village,qinshui,1.40521E+11,",
       "units.csv 第2行 E列(division_code): 区划代码 '1.40521E+11' 像是被 Excel "
       "改成了科学计数法，请把该列设为文本后重新导出 (division code '1.40521E+11' looks "
       "like Excel scientific notation; format the column as text and export again)"},
      {"jf,嘉峰镇,town,qinshui,140522104,",
       "units.csv 第2行 E列(division_code): 区划代码 '140522104' 不在上级 'qinshui' 的代码 "
       "140521 之下 (division code '140522104' is not under parent 'qinshui', whose code is "
       "140521)"},
  };
  for (const auto& c : cases) {
    const UnitImport in = Parse(std::string(c.row) + "\n");
    if (in.records.size() == 1) {
      EXPECT_EQ(in.records[0].division_code, c.want) << c.row;
      EXPECT_EQ(Rejections(in), Lines{}) << c.row;
    } else {
      EXPECT_EQ(Rejections(in), Lines{c.want}) << c.row;
    }
  }
}

TEST(UnitsTest, RejectedUpdateFallsBackToTheStoredParent) {
  // jf is already stored; its row here is bad, but v1 may still hang under
  // the stored jf.
  std::vector<model::Unit> existing = testing::ExistingChain();
  existing.push_back({"jf", "嘉峰镇", model::Level::kTown, "qinshui", "", std::nullopt});
  const UnitImport in = Parse("jf,嘉峰镇,town,qinshui,12,\nv1,嘉峰村,village,jf,,\n", existing);
  ASSERT_EQ(in.rejections.size(), 1u);
  EXPECT_EQ(in.rejections[0].row, 2);
  EXPECT_EQ(Ids(in), Lines{"v1"});
}

TEST(UnitsTest, MissingRequiredColumnRejectsTheFile) {
  const UnitImport in = ParseUnits("id,name,parent_id\njf,嘉峰镇,qinshui\n", "units.csv", {});
  EXPECT_TRUE(in.records.empty());
  EXPECT_TRUE(in.FileRejected());
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第1行: 缺少必填列 level（可用列名: level|层级|级别|单位层级） "
                  "(missing required column level)"});
}

TEST(UnitsTest, DuplicateColumnRejectsTheFile) {
  const UnitImport in =
      ParseUnits("id,编号,name,level,parent_id\n", "units.csv", {});
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第1行 B列(编号): 列 '编号' 与 'id' 重复，都表示 id (columns 'id' "
                  "and '编号' both mean id)"});
}

TEST(UnitsTest, MalformedHeaderRejectsTheFile) {
  const UnitImport in = ParseUnits("\"id,name,level,parent_id\njf,嘉峰镇,town,qinshui\n",
                                   "units.csv", {});
  EXPECT_TRUE(in.records.empty());
  EXPECT_TRUE(in.FileRejected());
  EXPECT_EQ(Rejections(in),
            Lines{"units.csv 第1行: 表头行格式错误 (the header row is malformed): 引号未闭合 "
                  "(unterminated quote: a field opened with \" never closes)"});
}

TEST(UnitsTest, EmptyFile) {
  const UnitImport in = ParseUnits("", "units.csv", {});
  EXPECT_EQ(Rejections(in), Lines{"units.csv: 文件为空 (the file is empty)"});
}

TEST(UnitsTest, UnknownColumnsAreIgnoredAndListed) {
  const UnitImport in = ParseUnits(
      "*编号,名称（全称）,Level,Parent ID,备注\njf,嘉峰镇,town,qinshui,新设\n", "units.csv",
      UnitContext{testing::ExistingChain()});
  EXPECT_EQ(Rejections(in), Lines{});
  EXPECT_EQ(in.ignored_columns, Lines{"备注"});
  EXPECT_EQ(Ids(in), Lines{"jf"});
}

TEST(UnitsTest, ExcelTrailingEmptyColumnsAreFine) {
  const UnitImport in =
      ParseUnits("id,name,level,parent_id,,\njf,嘉峰镇,town,qinshui,,\n", "units.csv",
                 UnitContext{testing::ExistingChain()});
  EXPECT_EQ(Rejections(in), Lines{});
  EXPECT_EQ(Ids(in), Lines{"jf"});
}

}  // namespace
}  // namespace duban::importer
