// The real `duban` binary as an administrator runs it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "testing/paths.h"
#include "testing/temp_dir.h"

namespace duban {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CliRun Duban(const std::string& args) {
  CliRun r;
  const std::string cmd = testing::DubanBinary() + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CliTest, CheckPassesOnTheDemoConfigAndWarnsAboutHolidayDeadlines) {
  CliRun r = Duban("check --config " + testing::SourcePath("config/duban.yaml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is valid (1 campaign(s), 2 channel(s))"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the deadline 2024-04-05 12:00 周五 falls on a day off"),
            std::string::npos)
      << r.output;
}

TEST(CliTest, CheckReportsATypoAndAWrongTypeWithPositionsAndFails) {
  std::string text = testing::ReadFileOrDie(testing::SourcePath("config/duban.yaml"));
  text.replace(text.find("  threads: 8"), 11, "  thread: 8");
  text.replace(text.find("busy_timeout_ms: 5000"), 21, "busy_timeout_ms: soon");
  // The copy lives in a temp dir, so its relative paths become absolute
  // (same line numbers).
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"../", testing::SourcePath("")},
                                 {"holidays: calendars/", "holidays: " + testing::SourcePath("config/calendars/")}}) {
    for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
      text.replace(pos, from.size(), to);
    }
  }
  testing::TempDir dir;
  const std::string path = dir.Write(".cli_test_bad.yaml", text);
  CliRun r = Duban("check --config " + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(".cli_test_bad.yaml:12:3: error: server.thread: unknown key 'thread' — "
                          "did you mean 'threads'?"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(".cli_test_bad.yaml:20:20: error: database.busy_timeout_ms: expected a "
                          "whole number, got 'soon'"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("duban check: 2 error(s)"), std::string::npos) << r.output;
}

TEST(CliTest, VersionAndUnknownCommand) {
  CliRun v = Duban("version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.output, "duban " DUBAN_VERSION "\n");
  CliRun bad = Duban("frobnicate");
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
}  // namespace duban
