#include <gtest/gtest.h>

#include <algorithm>

#include "base/time_format.h"
#include "ics/ics.h"

namespace duban::ics {
namespace {

using namespace std::chrono_literals;

// The feed the tests render: a weekly report, a milestone with text that
// needs escaping and folding, and an all-day phase end.
Feed SampleFeed() {
  Feed f;
  f.name = "督办·嘉峰镇";
  f.description = "嘉峰镇及下辖单位的截止时间";
  Event report;
  report.uid = "item-42.jiafeng@duban";
  report.stamp = *ParseRfc3339("2024-04-06T00:00:00Z");
  report.start = *ParseRfc3339("2024-04-12T12:00:00+08:00");
  report.summary = "周报截止：百日攻坚工作周报（嘉峰村）";
  report.description = "截止时间：2024-04-12 12:00 周五\n单位：嘉峰村";
  report.url = "https://duban.example.gov.cn/items/42";
  report.alarms = {3h, 24h};
  f.events.push_back(report);
  Event milestone;
  milestone.uid = "jiafeng-2024-hundred-day.milestone.hundred_day_deadline.jiafeng@duban";
  milestone.stamp = *ParseRfc3339("2024-04-08T00:00:00Z");
  milestone.start = *ParseRfc3339("2024-06-30T23:59:59+08:00");
  milestone.duration = 1s;
  milestone.summary = "节点截止：基本完成经营性自建房安全隐患整治, 含; 分号\\反斜杠";
  milestone.description = std::string(40, 'x') + "，" + "嘉峰镇经营性自建房问题整改“百日攻坚”行动" +
                          "嘉峰镇经营性自建房问题整改“百日攻坚”行动";
  milestone.alarms = {24h};
  f.events.push_back(milestone);
  Event phase;
  phase.uid = "jiafeng-2024-hundred-day.phase.survey.jiafeng@duban";
  phase.stamp = *ParseRfc3339("2024-04-08T00:00:00Z");
  phase.all_day = std::chrono::year_month_day(std::chrono::year(2024), std::chrono::month(4),
                                              std::chrono::day(25));
  phase.summary = "阶段结束：集中摸排";
  phase.alarms = {15h};
  f.events.push_back(phase);
  return f;
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST(RenderCalendarTest, EveryLineEndsInCrlfAndFitsIn75Octets) {
  const std::string out = RenderCalendar(SampleFeed());
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  size_t pos = 0;
  int lines = 0;
  while (pos < out.size()) {
    const size_t end = out.find('\n', pos);
    ASSERT_NE(end, std::string::npos);
    ASSERT_GT(end, pos);
    EXPECT_EQ(out[end - 1], '\r') << "bare LF after: " << out.substr(pos, end - pos);
    EXPECT_LE(end - 1 - pos, 75u) << out.substr(pos, end - pos);
    EXPECT_EQ(out.substr(pos, end - pos).find('\r'), end - 1 - pos) << "stray CR";
    pos = end + 1;
    ++lines;
  }
  EXPECT_GT(lines, 40);
  EXPECT_EQ(out.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_TRUE(out.ends_with("END:VCALENDAR\r\n"));
}

TEST(RenderCalendarTest, CalendarPropertiesForSubscriptions) {
  const std::string out = RenderCalendar(SampleFeed());
  for (const char* want :
       {"\r\nVERSION:2.0\r\n", "\r\nPRODID:-//duban//deadline feed//ZH\r\n",
        "\r\nCALSCALE:GREGORIAN\r\n", "\r\nMETHOD:PUBLISH\r\n", "\r\nX-WR-CALNAME:督办·嘉峰镇\r\n",
        "\r\nNAME:督办·嘉峰镇\r\n", "\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n",
        "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "\r\nX-PUBLISHED-TTL:PT1H\r\n",
        "\r\nX-WR-CALDESC:嘉峰镇及下辖单位的截止时间\r\n"}) {
    EXPECT_TRUE(Has(out, want)) << want;
  }
}

TEST(RenderCalendarTest, TimedEventInUtcWithAlarms) {
  const std::string out = RenderCalendar(SampleFeed());
  const std::string first = out.substr(out.find("BEGIN:VEVENT"),
                                       out.find("END:VEVENT") - out.find("BEGIN:VEVENT"));
  for (const char* want :
       {"UID:item-42.jiafeng@duban\r\n", "DTSTAMP:20240406T000000Z\r\n",
        "ORGANIZER;CN=\"督办\":mailto:noreply@duban.invalid\r\n",
        "LAST-MODIFIED:20240406T000000Z\r\n", "DTSTART:20240412T040000Z\r\n",
        "DURATION:PT15M\r\n", "SUMMARY:周报截止：百日攻坚工作周报（嘉峰村）\r\n",
        "DESCRIPTION:截止时间：2024-04-12 12:00 周五\\n单位：嘉峰村\r\n",
        "URL:https://duban.example.gov.cn/items/42\r\n", "TRANSP:TRANSPARENT\r\n",
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:周报截止：百日攻坚工作周报（嘉峰村）\r\n"
        "TRIGGER:-PT3H\r\nEND:VALARM\r\n",
        "TRIGGER:-P1D\r\n"}) {
    EXPECT_TRUE(Has(first, want)) << want << "\n" << first;
  }
}

TEST(RenderCalendarTest, TextIsEscapedAndAllDayEventsEndTheNextDay) {
  const std::string out = RenderCalendar(SampleFeed());
  // Long lines are folded; unfolded they hold the escaped text.
  std::string unfolded;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += out[i];
  }
  EXPECT_TRUE(Has(unfolded,
                  "SUMMARY:节点截止：基本完成经营性自建房安全隐患整治\\, 含\\; 分号\\\\反斜杠\r\n"))
      << unfolded;
  EXPECT_TRUE(Has(unfolded, "DESCRIPTION:" + std::string(40, 'x') +
                                "，嘉峰镇经营性自建房问题整改“百日攻坚”行动嘉峰镇"))
      << unfolded;
  EXPECT_TRUE(Has(out, "DURATION:PT1S\r\n"));
  EXPECT_TRUE(Has(out, "DTSTART;VALUE=DATE:20240425\r\nDTEND;VALUE=DATE:20240426\r\n"));
  EXPECT_TRUE(Has(out, "TRIGGER:-PT15H\r\n"));
}

TEST(RenderCalendarTest, SameFeedSameBytesAndUidsAsGiven) {
  const std::string a = RenderCalendar(SampleFeed());
  const std::string b = RenderCalendar(SampleFeed());
  EXPECT_EQ(a, b);
  // Reordering the events keeps each event's lines (UID and all) the same.
  Feed reversed = SampleFeed();
  std::reverse(reversed.events.begin(), reversed.events.end());
  const std::string c = RenderCalendar(reversed);
  for (const auto& e : SampleFeed().events) {
    const std::string uid = "UID:" + e.uid + "\r\n";
    EXPECT_TRUE(Has(a, uid));
    EXPECT_TRUE(Has(c, uid));
  }
  size_t count = 0;
  for (size_t p = a.find("BEGIN:VEVENT"); p != std::string::npos; p = a.find("BEGIN:VEVENT", p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u);
}

TEST(RenderCalendarTest, EmptyFeedIsStillACalendar) {
  Feed f;
  f.name = "督办·上村";
  const std::string out = RenderCalendar(f);
  EXPECT_FALSE(Has(out, "VEVENT"));
  EXPECT_FALSE(Has(out, "X-WR-CALDESC"));
  EXPECT_TRUE(Has(out, "X-WR-CALNAME:督办·上村\r\n"));
}

}  // namespace
}  // namespace duban::ics
