#include "notify/channels/sms_params.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/channels/text_util.h"

namespace duban::notify {
namespace {

const std::vector<std::string> kVillages = {"上村", "下村", "东村", "西村", "北村"};

TEST(SmsParamsTest, ScalarThatFitsIsUnchanged) {
  EXPECT_EQ(ShortenScalar("张三", 10), "张三");
  EXPECT_EQ(ShortenScalar("", 10), "");
  EXPECT_EQ(ShortenScalar("1234567890", 10), "1234567890");
}

TEST(SmsParamsTest, ScalarIsCutAtACharacterWithAnEllipsis) {
  // 14 characters, 42 bytes: cut by characters, never inside one.
  const std::string s = "嘉丰镇自建房安全专项整治行动";
  const std::string cut = ShortenScalar(s, 8);
  EXPECT_EQ(cut, "嘉丰镇自建房安…");
  EXPECT_EQ(Utf8Length(cut), 8u);
  EXPECT_EQ(ShortenScalar("abcdefghijk", 5), "abcd…");
  EXPECT_EQ(ShortenScalar("abc", 1), "…");
}

TEST(SmsParamsTest, ListThatFitsIsJoined) {
  EXPECT_EQ(ShortenList(kVillages, 20, "、", "个村"), "上村、下村、东村、西村、北村");
  EXPECT_EQ(ShortenList({}, 20, "、", "个村"), "");
}

TEST(SmsParamsTest, LongListKeepsTheFirstFewAndCountsAll) {
  EXPECT_EQ(ShortenList(kVillages, 13, "、", "个村"), "上村、下村、东村等5个村");
  EXPECT_EQ(ShortenList(kVillages, 9, "、", "个村"), "上村、下村等5个村");
  EXPECT_EQ(ShortenList(kVillages, 6, "、", "个村"), "上村等5个村");
  // Not even one name fits before the count: the count alone.
  EXPECT_EQ(ShortenList(kVillages, 4, "、", "个村"), "5个村");
  // Not even that: cut.
  EXPECT_EQ(ShortenList(kVillages, 2, "、", "个村"), "上…");
  // A single long value is cut like a scalar.
  EXPECT_EQ(ShortenList({"嘉丰镇上村村民委员会"}, 6, "、", "个村"), "嘉丰镇上村…");
}

TEST(SmsParamsTest, ResultNeverExceedsTheLimit) {
  for (size_t max = 0; max < 20; ++max) {
    EXPECT_LE(Utf8Length(ShortenList(kVillages, max, "、", "个村")), max) << max;
    EXPECT_LE(Utf8Length(ShortenScalar("嘉丰镇自建房安全专项整治行动", max)), max) << max;
  }
}

SmsTemplates Compile(std::map<std::string, SmsTemplate> t) {
  auto r = SmsTemplates::Compile(std::move(t));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : SmsTemplates();
}

SmsTemplate Reminder() {
  SmsParam name{.name = "name", .from = "{{recipient.name}}", .max_chars = 10};
  SmsParam villages{.name = "villages", .field = "unit", .counter = "个村", .max_chars = 9};
  SmsParam due{.name = "due", .from = "{{due}}", .max_chars = 20};
  return {"SMS_100", {name, villages, due}};
}

TEST(SmsTemplatesTest, RendersEveryParameterInOrderAndShortens) {
  const SmsTemplates t = Compile({{"weekly_report_reminder", Reminder()}});
  auto msg = t.Render("weekly_report_reminder", SampleSmsContext());
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(msg->code, "SMS_100");
  ASSERT_EQ(msg->params.size(), 3u);
  EXPECT_EQ(msg->params[0], (std::pair<std::string, std::string>{"name", "张三"}));
  EXPECT_EQ(msg->params[1], (std::pair<std::string, std::string>{"villages", "上村、下村等5个村"}));
  EXPECT_EQ(msg->params[2].second, "6月28日（周五）12:00");
}

TEST(SmsTemplatesTest, DuplicateListValuesCountOnce) {
  const SmsTemplates t = Compile({{"k", Reminder()}});
  nlohmann::json ctx = {{"items", {{{"unit", "上村"}}, {{"unit", "上村"}}, {{"unit", "下村"}}}}};
  auto msg = t.Render("k", ctx);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->params[1].second, "上村、下村");
}

TEST(SmsTemplatesTest, UnknownKindIsNotFound) {
  const SmsTemplates t = Compile({{"weekly_report_reminder", Reminder()}});
  EXPECT_EQ(t.Render("item_overdue", SampleSmsContext()).status().code(), StatusCode::kNotFound);
}

TEST(SmsTemplatesTest, CompileRefusesBadParameters) {
  SmsTemplate bad_snippet{"SMS_1", {{.name = "a", .from = "{{#items}}", .max_chars = 5}}};
  EXPECT_FALSE(SmsTemplates::Compile({{"k", bad_snippet}}).ok());
  SmsTemplate neither{"SMS_1", {{.name = "a", .max_chars = 5}}};
  EXPECT_FALSE(SmsTemplates::Compile({{"k", neither}}).ok());
  SmsTemplate zero{"SMS_1", {{.name = "a", .from = "x", .max_chars = 0}}};
  EXPECT_FALSE(SmsTemplates::Compile({{"k", zero}}).ok());
  SmsTemplate no_code{"", {}};
  EXPECT_FALSE(SmsTemplates::Compile({{"k", no_code}}).ok());
}

TEST(SmsTemplatesTest, CheckReportsMissingVariablesAndOverlongValues) {
  SmsTemplate t = Reminder();
  t.params.push_back({.name = "who", .from = "{{officer}}", .max_chars = 5});
  t.params.push_back({.name = "town", .field = "town", .max_chars = 5});
  t.params.push_back({.name = "camp", .from = "{{campaign}}", .max_chars = 6});
  const SmsTemplates compiled = Compile({{"weekly_report_reminder", t}});
  const auto problems = compiled.Check(SampleSmsContext());
  auto has = [&](const std::string& needle) {
    for (const auto& p : problems) {
      if (p.message.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("variable 'officer' is not in the message context"));
  EXPECT_TRUE(has("no element of 'items' has a field 'town'"));
  EXPECT_TRUE(has("villages: 14 characters for the sample, over its max of 9; it will be sent as "
                  "\"上村、下村等5个村\""));
  EXPECT_TRUE(has("camp: 18 characters"));
  EXPECT_FALSE(has(".name"));  // fits
  for (const auto& p : problems) {
    EXPECT_EQ(p.overlong, p.param == "villages" || p.param == "camp") << p.message;
  }
}

TEST(TextUtilTest, TruncatesUtf8BytesAtACharacterWithAMarker) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "村";  // 6000 bytes
  const std::string out = TruncateUtf8Bytes(text, 4096, "…（已截断）");
  EXPECT_LE(out.size(), 4096u);
  EXPECT_GT(out.size(), 4000u);
  EXPECT_EQ(out.substr(out.size() - std::string("…（已截断）").size()), "…（已截断）");
  EXPECT_EQ(Utf8Length(out) * 3, out.size());  // every character whole
  EXPECT_EQ(TruncateUtf8Bytes("short", 4096, "…"), "short");
}

TEST(TextUtilTest, NormalisesMainlandMobiles) {
  EXPECT_EQ(MainlandMobile("+8613800001111"), "13800001111");
  EXPECT_EQ(MainlandMobile("0086 138-0000-1111"), "13800001111");
  EXPECT_EQ(MainlandMobile("8613800001111"), "13800001111");
  EXPECT_EQ(MainlandMobile("12800001111"), std::nullopt);
  EXPECT_EQ(MainlandMobile("010-12345678"), std::nullopt);
}

TEST(TextUtilTest, TitleIsTheFirstLineWithoutHeadingMarks) {
  EXPECT_EQ(TitleOf("", "### 周报未报送（3个单位）\n截至..."), "周报未报送（3个单位）");
  EXPECT_EQ(TitleOf("自定", "### x"), "自定");
  EXPECT_EQ(TitleOf("", "\n\n"), "督办提醒");
}

}  // namespace
}  // namespace duban::notify
