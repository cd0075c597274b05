// Diff and report: a re-import of the same file is all unchanged; changes
// are listed by field.
#include <gtest/gtest.h>

#include "importer/importer.h"
#include "importer_test_util.h"

namespace duban::importer {
namespace {

using Lines = std::vector<std::string>;

TEST(DiffTest, ReimportOfTheSameFileIsAllUnchanged) {
  const std::string text = testing::ReadSource("config/demo/units.csv");
  const UnitImport first = ParseUnits(text, "units.csv", {});
  ASSERT_EQ(first.rejections.size(), 0u);
  // The second import sees the first one's units in the database.
  const UnitImport second = ParseUnits(text, "units.csv", UnitContext{first.records});
  const ImportDiff diff = Diff(first.records, second.records);
  EXPECT_EQ(diff.summary.added, 0);
  EXPECT_EQ(diff.summary.updated, 0);
  EXPECT_EQ(diff.summary.unchanged, 14);
  for (const DiffEntry& e : diff.entries) EXPECT_EQ(e.change, Change::kUnchanged) << e.id;
}

TEST(DiffTest, SameMeaningSpelledDifferentlyIsUnchanged) {
  ContactContext ctx;
  ctx.units = {{"jiafeng", model::Level::kTown}};
  const std::string header = "id,unit_id,role,name,mobile,channels,quiet_hours\n";
  const ContactImport a = ParseContacts(
      header + "c1,jiafeng,office,李红梅,13800000002,sms,21:00-08:00\n", "c.csv", ctx);
  const ContactImport b = ParseContacts(
      header + "c1,jiafeng,office,李红梅,+86 138-0000-0002,sms；,21：00～08：00\n", "c.csv", ctx);
  ASSERT_EQ(b.records.size(), 1u);
  EXPECT_EQ(Diff(a.records, b.records).summary.unchanged, 1);
}

TEST(DiffTest, ListsChangedFieldsByName) {
  using model::Level;
  const std::vector<model::Unit> before = {
      {"jf", "嘉峰镇", Level::kTown, "qinshui", "140521104000", std::nullopt},
      {"v1", "嘉峰村", Level::kVillage, "jf", "", std::nullopt},
      {"v2", "李庄村", Level::kVillage, "jf", "", std::nullopt},
  };
  const std::vector<model::Unit> after = {
      {"jf", "嘉峰镇", Level::kTown, "qinshui", "140521104000", std::nullopt},
      {"v1", "嘉峰村村委会", Level::kVillage, "jf", "140521104201", std::nullopt},
      {"v3", "郭南村", Level::kVillage, "jf", "", std::nullopt},
  };
  const ImportDiff diff = Diff(before, after);
  ASSERT_EQ(diff.entries.size(), 3u);
  EXPECT_EQ(diff.entries[0].change, Change::kUnchanged);
  EXPECT_EQ(diff.entries[1].change, Change::kUpdated);
  EXPECT_EQ(diff.entries[1].changed_fields, (Lines{"name", "division_code"}));
  EXPECT_EQ(diff.entries[2].change, Change::kAdded);
  // v2 is not in the file: an import never deletes, so it is not listed.
  EXPECT_EQ(diff.summary.added, 1);
  EXPECT_EQ(diff.summary.updated, 1);
  EXPECT_EQ(diff.summary.unchanged, 1);
}

TEST(DiffTest, HouseAndContactFields) {
  model::House h1{"h1", "v1", "东街1号", false, "", 2, "masonry", false, false, "none"};
  model::House h2 = h1;
  h2.hazard_level = "serious";
  h2.altered = true;
  EXPECT_EQ(Diff({h1}, {h2}).entries[0].changed_fields, (Lines{"altered", "hazard_level"}));

  model::Contact c1;
  c1.id = "c1";
  c1.channels = {"sms"};
  model::Contact c2 = c1;
  c2.channels = {"sms", "town-robot"};
  c2.quiet_start_min = 21 * 60;
  c2.quiet_end_min = 8 * 60;
  EXPECT_EQ(Diff({c1}, {c2}).entries[0].changed_fields, (Lines{"channels", "quiet_hours"}));
}

TEST(DiffTest, RendersTheReport) {
  std::vector<model::Unit> existing = testing::ExistingChain();
  existing.push_back({"jf", "嘉峰", model::Level::kTown, "qinshui", "", std::nullopt});
  const UnitImport in = ParseUnits(
      "id,name,level,parent_id,division_code,备注\n"
      "jf,嘉峰镇,town,qinshui,,\n"
      "v1,嘉峰村,village,jf,,\n"
      "v2,李庄村,village,nowhere,,\n"
      "qinshui,沁水县,county,jincheng,140521,\n",
      "units.csv", UnitContext{existing});
  const ImportDiff diff = Diff(existing, in.records);
  EXPECT_EQ(RenderReport(in, diff),
            (Lines{"units.csv [UTF-8]: 新增 1, 更新 1, 未变 1, 拒绝 1 (added 1, updated 1, "
                   "unchanged 1, rejected 1)",
                   "  忽略未知列 (ignored columns): 备注",
                   "  更新 jf: name",
                   "  新增 v1",
                   "  units.csv 第4行 D列(parent_id): 上级单位 'nowhere' "
                   "不存在（文件和数据库中都没有） (parent 'nowhere' is neither in this file "
                   "nor in the database)"}));
  const DiffSummary s = Summarize(diff, in);
  EXPECT_EQ(s.rejected, 1);
}

TEST(DiffTest, AnImportReplacesWholeRecords) {
  // A file without the division_code column clears stored codes, and the
  // report says so.
  const std::vector<model::Unit> existing = testing::ExistingChain();
  const UnitImport in = ParseUnits("id,name,level,parent_id\nqinshui,沁水县,county,jincheng\n",
                                   "units.csv", UnitContext{existing});
  const ImportDiff diff = Diff(existing, in.records);
  ASSERT_EQ(diff.entries.size(), 1u);
  EXPECT_EQ(diff.entries[0].changed_fields, Lines{"division_code"});
}

}  // namespace
}  // namespace duban::importer
