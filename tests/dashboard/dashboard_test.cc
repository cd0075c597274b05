#include "dashboard/dashboard.h"

#include <gtest/gtest.h>

namespace duban::dashboard {
namespace {

TEST(DashboardHtmlTest, EscapesTextAndAttributes) {
  EXPECT_EQ(Escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(Link("/x?a=1&b=\"2\"", "<b>"), "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;b&gt;</a>");
}

TEST(DashboardHtmlTest, UrlEncodesUtf8) {
  EXPECT_EQ(UrlEncode("jf-a_b.c~"), "jf-a_b.c~");
  EXPECT_EQ(UrlEncode("嘉 /&"), "%E5%98%89%20%2F%26");
}

TEST(DashboardHtmlTest, PageCarriesNavigationViewerAndCsrf) {
  Layout l;
  l.title = "总览";
  l.active = "overdue";
  l.viewer = "专班 · 沁水县";
  l.campaign = "jf 2024";
  l.campaign_title = "百日攻坚";
  l.csrf = "tok\"en";
  const std::string html = RenderPage(l, "<p>body</p>");
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/overdue?c=jf%202024\" class=\"on\""), std::string::npos) << html;
  EXPECT_NE(html.find("专班 · 沁水县"), std::string::npos);
  EXPECT_NE(html.find("name=\"csrf\" value=\"tok&quot;en\""), std::string::npos);
  EXPECT_NE(html.find("<p>body</p>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(DashboardHtmlTest, LoginFormKeepsOnlyTheEscapedNextPath) {
  const std::string html = RenderLogin("令牌无效", "/overdue?c=\"x\"");
  EXPECT_NE(html.find("role=\"alert\">令牌无效"), std::string::npos);
  EXPECT_NE(html.find("value=\"/overdue?c=&quot;x&quot;\""), std::string::npos);
  EXPECT_NE(html.find("type=\"password\""), std::string::npos);
}

TEST(DashboardHtmlTest, TableRightAlignsNumbersAndSaysWhenEmpty) {
  Table t{"t", {"单位", "数量"}, {{"嘉峰村", "12"}}, {}, "暂无"};
  const std::string html = RenderTable(t);
  EXPECT_NE(html.find("data-testid=\"t\""), std::string::npos);
  EXPECT_NE(html.find("<td>嘉峰村</td><td class=\"n\">12</td>"), std::string::npos) << html;
  t.rows.clear();
  EXPECT_NE(RenderTable(t).find("colspan=\"2\" class=\"muted\">暂无"), std::string::npos);
}

TEST(DashboardChartTest, BarChartPrintsEachValueAndScalesToTheLongest) {
  const std::string svg = BarChart("逾期", {{"嘉峰村", 4, "/overdue?unit=a"}, {"李庄村", 2, ""}}, " 项");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("<title>逾期</title>"), std::string::npos);
  EXPECT_NE(svg.find(">4 项</text>"), std::string::npos);
  EXPECT_NE(svg.find(">2 项</text>"), std::string::npos);
  EXPECT_NE(svg.find("<a href=\"/overdue?unit=a\">嘉峰村</a>"), std::string::npos);
  // 4 on a nice axis of 5 over 300 units: 240 wide; 2: 120.
  EXPECT_NE(svg.find("width=\"240.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"120.0\""), std::string::npos);
  EXPECT_NE(BarChart("x", {}, "").find("暂无数据"), std::string::npos);
}

TEST(DashboardChartTest, StackedColumnsLabelEachColumnWithItsShare) {
  const std::string svg = StackedColumns("周报", {{"按时", "ok"}, {"迟报", "warn"}, {"未报", "bad"}},
                                         {{"04-12", {7, 1, 2}}, {"04-19", {10, 0, 0}}});
  EXPECT_NE(svg.find(">7/10</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">10/10</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>04-12 未报: 2</title>"), std::string::npos);
  EXPECT_EQ(svg.find("04-19 迟报"), std::string::npos);  // zero parts draw nothing
}

TEST(DashboardChartTest, LineChartMarksTargetAndDeadlineAheadOfToday) {
  LineChartSpec spec;
  spec.title = "累计办结";
  spec.x_labels = {"06-01", "06-02", "06-03", "06-04"};
  spec.values = {1, 3};  // today is 06-02
  spec.target = 5;
  spec.target_label = "应办结 5";
  spec.deadline_index = 3;
  spec.deadline_label = "6月30日";
  const std::string svg = LineChart(spec);
  EXPECT_NE(svg.find("应办结 5"), std::string::npos);
  EXPECT_NE(svg.find("6月30日"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  // Two points only: the line stops today, the axis runs on to the deadline.
  const size_t p = svg.find("points=\"");
  const std::string points = svg.substr(p, svg.find('"', p + 8) - p);
  EXPECT_EQ(std::count(points.begin(), points.end(), ','), 2) << points;
}

}  // namespace
}  // namespace duban::dashboard
