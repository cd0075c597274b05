// The feed as a real iCalendar parser reads it: libical parses what
// RenderCalendar writes, finds nothing to complain about (no X-LIC-ERROR,
// restrictions met), and gives back the text, times and alarms we put in.
#include <gtest/gtest.h>
#include <libical/ical.h>

#include <memory>

#include "base/time_format.h"
#include "ics/ics.h"

namespace duban::ics {
namespace {

using namespace std::chrono_literals;

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

// Every X-LIC-ERROR under `c`, as text, for the failure message.
void CollectErrors(icalcomponent* c, std::vector<std::string>* out) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
       p != nullptr; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
    out->push_back(icalproperty_get_xlicerror(p));
  }
  for (icalcomponent* k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != nullptr;
       k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    CollectErrors(k, out);
  }
}

Feed TrickyFeed() {
  Feed f;
  f.name = "督办·嘉峰镇";
  f.description = "嘉峰镇及下辖单位的截止时间；每小时更新";
  Event report;
  report.uid = "item-42.jiafeng@duban";
  report.stamp = *ParseRfc3339("2024-04-06T00:00:00Z");
  report.start = *ParseRfc3339("2024-04-12T12:00:00+08:00");
  report.summary = "周报截止：百日攻坚工作周报（嘉峰村）";
  report.description =
      "截止时间：2024-04-12 12:00 周五\n单位：嘉峰村, 嘉峰镇; 路径 C:\\报表\n" +
      std::string("嘉峰镇经营性自建房问题整改“百日攻坚”行动，请按时报送本周工作情况。") +
      "嘉峰镇经营性自建房问题整改“百日攻坚”行动，请按时报送本周工作情况。";
  report.url = "https://duban.example.gov.cn/items/42";
  report.alarms = {3h, 24h};
  f.events.push_back(report);
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

TEST(Rfc5545Test, LibicalParsesTheFeedWithoutErrors) {
  const std::string text = RenderCalendar(TrickyFeed());
  Component cal(icalparser_parse_string(text.c_str()));
  ASSERT_NE(cal, nullptr) << text;
  ASSERT_EQ(icalcomponent_isa(cal.get()), ICAL_VCALENDAR_COMPONENT);
  EXPECT_EQ(icalrestriction_check(cal.get()), 1);
  std::vector<std::string> errors;
  CollectErrors(cal.get(), &errors);
  EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors) << "\n" << text;
  EXPECT_EQ(icalcomponent_count_errors(cal.get()), 0);
  EXPECT_EQ(icalcomponent_count_components(cal.get(), ICAL_VEVENT_COMPONENT), 2);
}

TEST(Rfc5545Test, TextTimesAndAlarmsSurviveTheRoundTrip) {
  const Feed feed = TrickyFeed();
  const std::string text = RenderCalendar(feed);
  Component cal(icalparser_parse_string(text.c_str()));
  ASSERT_NE(cal, nullptr);
  icalproperty* name = icalcomponent_get_first_property(cal.get(), ICAL_X_PROPERTY);
  bool saw_name = false;
  for (; name != nullptr; name = icalcomponent_get_next_property(cal.get(), ICAL_X_PROPERTY)) {
    if (std::string(icalproperty_get_x_name(name)) == "X-WR-CALNAME") {
      EXPECT_STREQ(icalproperty_get_x(name), "督办·嘉峰镇");
      saw_name = true;
    }
  }
  EXPECT_TRUE(saw_name);

  icalcomponent* ev = icalcomponent_get_first_component(cal.get(), ICAL_VEVENT_COMPONENT);
  ASSERT_NE(ev, nullptr);
  EXPECT_STREQ(icalcomponent_get_uid(ev), "item-42.jiafeng@duban");
  EXPECT_EQ(icalcomponent_get_summary(ev), feed.events[0].summary);
  // libical unescapes and unfolds: the description comes back as written.
  EXPECT_EQ(icalcomponent_get_description(ev), feed.events[0].description);
  const icaltimetype start = icalcomponent_get_dtstart(ev);
  EXPECT_TRUE(icaltime_is_utc(start));
  EXPECT_EQ(icaltime_as_timet(start), ToUnixMillis(feed.events[0].start) / 1000);
  const icaldurationtype dur = icalcomponent_get_duration(ev);
  EXPECT_EQ(icaldurationtype_as_int(dur), 15 * 60);
  std::vector<int> triggers;
  for (icalcomponent* a = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
       a != nullptr; a = icalcomponent_get_next_component(ev, ICAL_VALARM_COMPONENT)) {
    icalproperty* t = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
    ASSERT_NE(t, nullptr);
    triggers.push_back(icaldurationtype_as_int(icalproperty_get_trigger(t).duration));
    icalproperty* action = icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY);
    ASSERT_NE(action, nullptr);
    EXPECT_EQ(icalproperty_get_action(action), ICAL_ACTION_DISPLAY);
  }
  EXPECT_EQ(triggers, (std::vector<int>{-3 * 3600, -24 * 3600}));

  icalcomponent* phase = icalcomponent_get_next_component(cal.get(), ICAL_VEVENT_COMPONENT);
  ASSERT_NE(phase, nullptr);
  const icaltimetype day = icalcomponent_get_dtstart(phase);
  EXPECT_TRUE(icaltime_is_date(day));
  EXPECT_EQ(day.year, 2024);
  EXPECT_EQ(day.month, 4);
  EXPECT_EQ(day.day, 25);
  const icaltimetype end = icalcomponent_get_dtend(phase);
  EXPECT_EQ(end.day, 26);
}

}  // namespace
}  // namespace duban::ics
