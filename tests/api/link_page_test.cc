#include "api/link_page.h"

#include <gtest/gtest.h>

namespace duban::api {
namespace {

workflow::FieldSet Form() {
  workflow::FieldSet set;
  workflow::FieldSpec n;
  n.name = "mis_checked";
  n.label = "共核查房屋（栋）";
  n.type = workflow::FieldType::kInt;
  n.required = true;
  n.min = 0;
  workflow::FieldSpec t;
  t.name = "work_summary";
  t.label = "本周工作情况";
  t.type = workflow::FieldType::kText;
  t.max_length = 2000;
  workflow::FieldSpec b;
  b.name = "needs_assistance";
  b.label = "需要定点帮扶";
  b.type = workflow::FieldType::kBool;
  set.fields = {n, t, b};
  return set;
}

TEST(LinkPageTest, ReportPageIsSelfContainedMobileChinese) {
  const workflow::FieldSet set = Form();
  ReportPage p;
  p.token = "abc.def";
  p.title = "百日攻坚工作周报";
  p.unit = "嘉峰村";
  p.contact = "陈晓东";
  p.period = "2024-04-12";
  p.due = "2024-04-12 12:00 周五";
  for (const auto& f : set.fields) p.fields.push_back({&f, "", ""});
  p.fields[0].value = "3";
  p.fields[0].error = "必填";
  const std::string html = RenderReportPage(p);
  EXPECT_NE(html.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_NE(html.find("width=device-width"), std::string::npos);
  EXPECT_NE(html.find("max-width:360px"), std::string::npos);
  EXPECT_NE(html.find("name=\"t\" value=\"abc.def\""), std::string::npos);
  EXPECT_NE(html.find("name=\"f_mis_checked\" value=\"3\""), std::string::npos);
  EXPECT_NE(html.find("<textarea id=\"f_work_summary\""), std::string::npos);
  EXPECT_NE(html.find("type=\"checkbox\""), std::string::npos);
  EXPECT_NE(html.find("确认已报送"), std::string::npos);
  EXPECT_NE(html.find("必填"), std::string::npos);
  // Nothing loaded from elsewhere, no script.
  for (const char* banned : {"<script", "src=", "href=", "http://", "https://", "@import"}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
}

TEST(LinkPageTest, EverythingShownIsEscaped) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  AckPage p;
  p.title = "移送问题";
  p.facts = {{"移送问题", "<script>alert(1)</script>"}};
  const std::string html = RenderAckPage(p);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("确认签收"), std::string::npos);
  const std::string msg = RenderMessagePage("链接已过期", "<b>", false);
  EXPECT_NE(msg.find("&lt;b&gt;"), std::string::npos);
}

TEST(LinkPageTest, FormValuesAreReadByFieldType) {
  const workflow::FieldSet set = Form();
  std::vector<workflow::FieldError> errors;
  auto v = ParseForm(set, {{"f_mis_checked", " 12 "}, {"f_work_summary", "入户核查\r\n"},
                           {"f_needs_assistance", "1"}, {"f_unknown", "x"}},
                     &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(std::get<int64_t>(v.at("mis_checked")), 12);
  EXPECT_EQ(std::get<std::string>(v.at("work_summary")), "入户核查");
  EXPECT_EQ(std::get<bool>(v.at("needs_assistance")), true);
  EXPECT_EQ(v.count("f_unknown") + v.count("unknown"), 0u);

  v = ParseForm(set, {{"f_mis_checked", "十二"}}, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "mis_checked");
  EXPECT_EQ(v.count("mis_checked"), 0u);
  EXPECT_EQ(v.count("work_summary"), 0u);  // empty inputs are left out
  EXPECT_EQ(std::get<bool>(v.at("needs_assistance")), false);  // unchecked box
}

}  // namespace
}  // namespace duban::api
