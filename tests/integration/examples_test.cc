// The example outputs checked into docs/examples/ are what duban does today.
//
// docs/examples/simulate-spring-2024.txt is the exact output of `duban
// simulate` on the demo town with config/demo/events-2024.jsonl. The test
// regenerates it with the binary under test through scripts/regen-examples.sh
// (the same steps an engineer runs, in a temporary directory) and compares it
// with the committed file byte for byte. The simulation runs on a virtual
// clock in the campaign's zone, so nothing in it depends on the machine.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "testing/paths.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace duban {
namespace {

constexpr char kRegenerate[] =
    "If the change is intended, regenerate the example and commit it with your change:\n"
    "  cmake --build build --target duban && scripts/regen-examples.sh\n";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

using testing::Shell;
using testing::ShellRun;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// "line 42:\n  committed: …\n  now:       …" for the first line that differs.
std::string FirstDifference(const std::string& committed, const std::string& now) {
  const auto a = Lines(committed);
  const auto b = Lines(now);
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  auto at = [](const std::vector<std::string>& v, size_t k) {
    return k < v.size() ? v[k] : std::string("(end of file)");
  };
  if (i == a.size() && i == b.size()) return "the files differ only in their last newline";
  return "first difference at line " + std::to_string(i + 1) + ":\n  committed: " + at(a, i) +
         "\n  now:       " + at(b, i) + "\n(" + std::to_string(a.size()) +
         " lines committed, " + std::to_string(b.size()) + " now)";
}

TEST(ExamplesTest, SimulateSpring2024IsTheOutputOfTodaysDuban) {
  testing::TempDir dir;
  const ShellRun r = Shell("DUBAN=" + Quote(testing::DubanBinary()) + " " +
                      Quote(testing::SourcePath("scripts/regen-examples.sh")) + " " +
                      Quote(dir.path().string()));
  ASSERT_EQ(r.exit_code, 0) << "scripts/regen-examples.sh failed:\n" << r.output;
  const std::string now = testing::ReadFileOrDie(dir.File("simulate-spring-2024.txt"));
  const std::string committed =
      testing::ReadFileOrDie(testing::SourcePath("docs/examples/simulate-spring-2024.txt"));
  ASSERT_FALSE(now.empty());
  if (now != committed) {
    FAIL() << "docs/examples/simulate-spring-2024.txt is not what `duban simulate` prints now; "
           << FirstDifference(committed, now) << "\n"
           << kRegenerate;
  }
}

// The example is linked from README.md and docs/escalation.md as showing the
// weekly cycle, a late report, the two-weeks-running 通报, a stuck transfer,
// a reopened case and a missed 限期; a regenerated
// file that stopped showing them would pass the test above and mislead.
TEST(ExamplesTest, SpringExampleShowsWhatTheDocsSayItShows) {
  const std::string text =
      testing::ReadFileOrDie(testing::SourcePath("docs/examples/simulate-spring-2024.txt"));
  for (const char* expected : {
           // Thursday 16:00 and Friday 09:00 reminders, the noon digest.
           "2024-04-11 16:02 周四  [sms] → 吴刚（jf-mozhang-liaison）",
           "2024-04-12 09:02 周五  [sms] → 吴刚（jf-mozhang-liaison）",
           "2024-04-12 12:02 周五  [sms] → 李红梅（jiafeng-office）",
           "以下1个单位未报送「百日攻坚工作周报」：\n    · 磨掌村\n",
           // Missing: the head at 14:00; twice running: the 通报.
           "2024-05-10 14:02 周五  [sms] → 徐长青（jf-wozhuang-head）  ⚠ warning",
           "2024-05-17 14:02 周五  [town-robot] → 嘉峰镇自建房整治工作群（jiafeng-group）  ⚠ warning",
           "2024-05-17 14:02 周五  [sms] → 王建国（qinshui-task-force）  ⚠ warning",
           "**卧庄村**：已连续2周以上未按时报送",
           // The monthly dispatch reminder and the 月度调度通报 with its laggards.
           "2024-05-19 09:02 周日  [sms] → 徐静（jf-wozhuang-liaison）",
           "落后单位：嘉峰消防救援站（移送逾期未办1件）、磨掌村（迟报1次）。",
           "落后单位：卧庄村（缺报2次）、郭南村（逾期1项）。",
           // The transfer nobody signs for climbs: department, town, county.
           "2024-04-19 09:00 周五  [sms] → 冯军（jf-fire-head）  ⚠ warning",
           "2024-04-23 09:00 周二  [sms] → 张志强（jiafeng-supervisor）  ⚠ warning",
           "2024-04-29 09:00 周一  [sms] → 王建国（qinshui-task-force）  ⚠ warning\n"
           "    【嘉峰镇经营性自建房问题整改“百日攻坚”行动督办】王建国：武安村「移送问题」（编号43，移送嘉峰消防救援站）逾期10天",
           // The case that failed acceptance says its deadline restarted.
           "秦庄村「隐患房屋」（编号31）（重新整治，期限重新计算）将于5月24日（周五）23:59到期",
           // A missed 限期: overdue in the morning after it (quiet hours), then 督办.
           "2024-05-21 08:00 周二  [sms] → 李红梅（jiafeng-office）  ⚠ warning",
           "2024-05-28 08:00 周二  [sms] → 王建国（qinshui-task-force）  ⚠ warning",
           // ... and is still open at the end: 约谈, countdowns, June 30.
           "郭南村「隐患房屋」（编号32）逾期22天，经督办仍未整改，建议约谈相关负责人",
           "距「集中整治阶段」截止（6月25日（周二）23:59）还有8个工作日，尚未完成：郭南村1项",
           "距「基本完成经营性自建房安全隐患整治」截止（6月30日（周日）23:59）还有1个工作日",
           "落后单位：郭南村（逾期1项，其中超30天1项）。",
           "2024-07-01 08:00 周一  [sms] → 李红梅（jiafeng-office）  ⚠ warning\n"
           "    【嘉峰镇经营性自建房问题整改“百日攻坚”行动】李红梅：「基本完成经营性自建房安全隐患整治」已于6月30日（周日）23:59到期，郭南村（1项）仍未完成",
           "2024-07-04 08:00 周四  [sms] → 王建国（qinshui-task-force）  ⚠ warning",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos)
        << "the example no longer shows: " << expected << "\n"
        << "Check config/demo/events-2024.jsonl and docs/escalation.md, then " << kRegenerate;
  }
  // 磨掌村 reported late at 13:30 on 04-12: no 14:00 notice to its head.
  EXPECT_EQ(text.find("2024-04-12 14:02"), std::string::npos);
}

}  // namespace
}  // namespace duban
