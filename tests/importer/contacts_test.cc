// contacts.csv: units, roles, mobiles, channels, quiet hours, and a file of
// bad rows among good ones.
#include <gtest/gtest.h>

#include "importer/importer.h"
#include "importer_test_util.h"

namespace duban::importer {
namespace {

using testing::Rejections;
using Lines = std::vector<std::string>;

constexpr char kHeader[] = "id,unit_id,role,name,mobile,channels,feishu_open_id,quiet_hours\n";

ContactContext Context() {
  ContactContext ctx;
  ctx.units = {{"jiafeng", model::Level::kTown},
               {"jf-jiafeng", model::Level::kVillage},
               {"jf-lizhuang", model::Level::kVillage}};
  ctx.roles = testing::JiafengRoles();
  ctx.channels = {"sms", "town-robot"};
  ctx.mobile_channels = {"sms"};
  return ctx;
}

ContactImport Parse(const std::string& rows, const ContactContext& ctx = Context()) {
  return ParseContacts(kHeader + rows, "contacts.csv", ctx);
}

TEST(ContactsTest, ReadsAndNormalisesARow) {
  const ContactImport in =
      Parse("c1,jf-jiafeng,liaison,陈晓东,138 0000 0011,sms；town-robot,ou_abc123,21:00-08:00\n");
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 1u);
  const model::Contact& c = in.records[0];
  EXPECT_EQ(c.unit_id, "jf-jiafeng");
  EXPECT_EQ(c.role, "liaison");
  EXPECT_EQ(c.name, "陈晓东");
  EXPECT_EQ(c.mobile, "+8613800000011");
  EXPECT_EQ(c.channels, (Lines{"sms", "town-robot"}));
  EXPECT_EQ(c.feishu_open_id, "ou_abc123");
  EXPECT_EQ(c.quiet_start_min, 21 * 60);
  EXPECT_EQ(c.quiet_end_min, 8 * 60);
}

TEST(ContactsTest, RobotNeedsNoMobileOrQuietHours) {
  const ContactImport in = Parse("g,jiafeng,group_chat,嘉峰镇工作群,,town-robot,,\n");
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 1u);
  EXPECT_EQ(in.records[0].mobile, "");
  EXPECT_FALSE(in.records[0].quiet_start_min.has_value());
}

TEST(ContactsTest, QuietHoursSpellings) {
  const ContactImport in = Parse(
      "a,jiafeng,office,甲,13800000001,sms,,22：00~7:30\n"
      "b,jiafeng,office,乙,13800000002,sms,,12:00至13:00\n"
      "c,jiafeng,office,丙,13800000003,sms,,08:00-08:00\n");
  ASSERT_EQ(in.records.size(), 2u);
  EXPECT_EQ(in.records[0].quiet_start_min, 22 * 60);
  EXPECT_EQ(in.records[0].quiet_end_min, 7 * 60 + 30);
  EXPECT_EQ(in.records[1].quiet_end_min, 13 * 60);
  EXPECT_EQ(Rejections(in),
            Lines{"contacts.csv 第4行 H列(quiet_hours): 免打扰时段 '08:00-08:00' 应写成 "
                  "HH:MM-HH:MM，如 21:00-08:00 (quiet_hours '08:00-08:00' must look like "
                  "21:00-08:00)"});
}

TEST(ContactsTest, SmsChannelNeedsAMobile) {
  const ContactImport in = Parse("c1,jiafeng,office,李红梅,,sms,,\n");
  EXPECT_EQ(Rejections(in),
            Lines{"contacts.csv 第2行 E列(mobile): 渠道 'sms' 需要手机号，但手机号为空 "
                  "(channel 'sms' needs a mobile number, but mobile is empty)"});
}

TEST(ContactsTest, UnknownChannelWithSuggestion) {
  const ContactImport in = Parse("c1,jiafeng,office,李红梅,13800000002,smss,,\n");
  EXPECT_EQ(Rejections(in),
            Lines{"contacts.csv 第2行 F列(channels): 渠道 'smss' 未配置（已配置: sms, "
                  "town-robot），是否应为 'sms' (channel 'smss' is not configured; "
                  "configured: sms, town-robot; did you mean 'sms'?)"});
}

TEST(ContactsTest, EmptySetsSkipRoleAndChannelChecks) {
  ContactContext ctx = Context();
  ctx.roles.clear();
  ctx.channels.clear();
  ctx.mobile_channels.clear();
  const ContactImport in = Parse("c1,jiafeng,anything,某人,,whatever,,\n", ctx);
  EXPECT_EQ(Rejections(in), Lines{});
  EXPECT_EQ(in.records.size(), 1u);
}

TEST(ContactsTest, BadFeishuOpenId) {
  const ContactImport in = Parse("c1,jiafeng,office,李红梅,13800000002,sms,on_123,\n");
  EXPECT_EQ(Rejections(in),
            Lines{"contacts.csv 第2行 G列(feishu_open_id): 飞书 open_id 'on_123' 应以 ou_ "
                  "开头，只含字母、数字和下划线 (feishu_open_id 'on_123' must start with ou_ "
                  "and hold only letters, digits and _)"});
}

TEST(ContactsTest, UnknownUnitWithSuggestion) {
  const ContactImport in = Parse("c1,jf-lizhuan,head,刘国平,13800000014,sms,,\n");
  EXPECT_EQ(Rejections(in),
            Lines{"contacts.csv 第2行 B列(unit_id): 所属单位 'jf-lizhuan' 不存在，是否应为 "
                  "'jf-lizhuang' (unit 'jf-lizhuan' is not known; did you mean "
                  "'jf-lizhuang'?)"});
}

TEST(ContactsTest, OneRowMayHaveSeveralProblems) {
  const ContactImport in = Parse("c1,,,,123,sms,,\n");
  EXPECT_EQ(Rejections(in),
            (Lines{"contacts.csv 第2行 B列(unit_id): 所属单位为空 (unit_id is empty)",
                   "contacts.csv 第2行 C列(role): 角色为空 (role is empty)",
                   "contacts.csv 第2行 D列(name): 姓名为空 (name is empty)",
                   "contacts.csv 第2行 E列(mobile): 手机号 '123' 不是11位大陆手机号 (mobile "
                   "'123' is not an 11-digit mainland number)"}));
  EXPECT_EQ(in.RejectedRows(), 1);
}

TEST(ContactsTest, BadRowsNeverStopTheGoodOnes) {
  const ContactImport in = ParseContacts(
      testing::ReadSource("tests/data/import/contacts_bad_rows.csv"), "contacts.csv",
      Context());
  EXPECT_EQ(
      Rejections(in),
      (Lines{
          "contacts.csv 第3行 E列(mobile): 手机号 '1380000' 不是11位大陆手机号 (mobile "
          "'1380000' is not an 11-digit mainland number)",
          "contacts.csv 第4行 B列(unit_id): 所属单位 'jf-nowhere' 不存在 (unit 'jf-nowhere' "
          "is not known)",
          "contacts.csv 第5行 C列(role): 角色 'liason' 不是本活动声明的角色（department_"
          "contact, group_chat, head, liaison, office, supervisor, task_force），是否应为 "
          "'liaison' (role 'liason' is not one the campaign declares: department_contact, "
          "group_chat, head, liaison, office, supervisor, task_force; did you mean "
          "'liaison'?)",
          "contacts.csv 第6行 A列(id): 编号 'ok-1' 与第2行重复 (id 'ok-1' duplicates row 2)",
          "contacts.csv 第7行 H列(quiet_hours): 免打扰时段 '9pm-8am' 应写成 HH:MM-HH:MM，如 "
          "21:00-08:00 (quiet_hours '9pm-8am' must look like 21:00-08:00)",
          "contacts.csv 第8行: 本行有4列，表头有8列 (the row has 4 columns, the header has 8)",
          "contacts.csv 第9行: 引号未闭合 (unterminated quote: a field opened with \" never "
          "closes)",
      }));
  ASSERT_EQ(in.records.size(), 2u);
  EXPECT_EQ(in.records[0].id, "ok-1");
  EXPECT_EQ(in.records[0].name, "陈晓东");
  EXPECT_EQ(in.records[1].id, "ok-2");
  EXPECT_EQ(in.data_rows, 9);
  EXPECT_EQ(in.RejectedRows(), 7);
  EXPECT_FALSE(in.FileRejected());
}

TEST(ContactsTest, BomFixtureWithChineseHeaders) {
  const ContactImport in = ParseContacts(
      testing::ReadSource("tests/data/import/contacts_bom.csv"), "contacts.csv", Context());
  EXPECT_EQ(in.encoding, Encoding::kUtf8Bom);
  EXPECT_EQ(Rejections(in), Lines{});
  ASSERT_EQ(in.records.size(), 2u);
  EXPECT_EQ(in.records[0].id, "jf-jiafeng-liaison");  // no BOM glued to the header
  EXPECT_EQ(in.records[0].mobile, "+8613800000011");
  EXPECT_EQ(in.records[1].mobile, "+8613800000012");
  EXPECT_EQ(in.records[1].channels, (Lines{"sms", "town-robot"}));
  EXPECT_EQ(in.records[1].feishu_open_id, "ou_7d8a6e6df7621556ce0d21922b676706");
}

TEST(ContactsTest, DiagnosticsCarryRowAndColumn) {
  const ContactImport in = Parse("c1,jiafeng,office,李红梅,1380000,sms,,\n");
  const Diagnostics d = in.ToDiagnostics();
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].file, "contacts.csv");
  EXPECT_EQ(d.items()[0].line, 2);
  EXPECT_EQ(d.items()[0].column, 5);
  EXPECT_EQ(d.items()[0].path, "mobile");
}

}  // namespace
}  // namespace duban::importer
