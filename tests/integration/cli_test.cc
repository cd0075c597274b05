// The real `duban` binary as an administrator runs it.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "testing/paths.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace duban {
namespace {

using CliRun = testing::ShellRun;
using testing::Duban;

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

namespace duban {
namespace {

// The audit log from the command line: an import is recorded, verify passes,
// export writes JSONL, and an edit behind duban's back is named by record.
TEST(CliTest, AuditVerifyPassesOnARealLogAndNamesTheRecordSomeoneEdited) {
  testing::TempDir dir;
  const std::string config = dir.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n"
      "database:\n  path: " + dir.File("duban.db") + "\n"
      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + testing::SourcePath("templates") + "\n"
      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n  - {name: sms, type: console, family: sms}\n"
      "  - {name: town-robot, type: console, family: markdown}\n");
  for (const char* what : {"units", "contacts", "houses"}) {
    CliRun r = Duban(std::string("import ") + what + " " +
                     testing::SourcePath(std::string("config/demo/") + what + ".csv") +
                     " --config " + config);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  CliRun ok = Duban("audit verify --config " + config);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("审计日志完整"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find(": 3 条记录"), std::string::npos) << ok.output;

  CliRun exported = Duban("audit export --config " + config + " -o " + dir.File("audit.jsonl"));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const std::string jsonl = testing::ReadFileOrDie(dir.File("audit.jsonl"));
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 3);
  EXPECT_NE(jsonl.find("\"action\":\"import.contacts\""), std::string::npos) << jsonl;

  // Someone changes what the second import recorded.
  {
    SQLite::Database db(dir.File("duban.db"), SQLite::OPEN_READWRITE);
    db.exec("UPDATE audit_log SET payload = replace(payload, '\"rejected\":0', '\"rejected\":9') "
            "WHERE seq = 2");
  }
  CliRun bad = Duban("audit verify --config " + config);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("第一条不符的记录: 2"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

TEST(CliTest, CheckRefusesATemplateVariableNoMessageHas) {
  testing::TempDir dir;
  const std::string tpl = dir.File("templates");
  std::filesystem::create_directories(tpl);
  for (const auto& e : std::filesystem::directory_iterator(testing::SourcePath("templates"))) {
    std::filesystem::copy_file(e.path(), tpl + "/" + e.path().filename().string());
  }
  dir.Write("templates/weekly_report_reminder.sms.mustache", "{{recipient.name}}：{{untt}}请报送。");
  const std::string config = dir.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n"
      "database:\n  path: " + dir.File("duban.db") + "\n"
      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + tpl + "\n"
      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n  - {name: sms, type: console, family: sms}\n");
  CliRun r = Duban("check --config " + config);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("weekly_report_reminder.sms.mustache: error: {{untt}} is not a field"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// `duban backup` while nothing else runs: a checked copy with everything in
// it; an existing backup is kept unless --force; a copy of the copy's audit
// log verifies.
TEST(CliTest, BackupWritesACheckedCopyAndKeepsAnExistingOneWithoutForce) {
  testing::TempDir dir;
  auto write_config = [&](const std::string& name, const std::string& db) {
    return dir.Write(
        name, "server:\n  listen: 127.0.0.1:0\n"
              "database:\n  path: " + db + "\n"
              "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
              "templates_dir: " + testing::SourcePath("templates") + "\n"
              "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
              "channels:\n  - {name: sms, type: console, family: sms}\n"
              "  - {name: town-robot, type: console, family: markdown}\n");
  };
  const std::string config = write_config("duban.yaml", dir.File("duban.db"));
  for (const char* what : {"units", "contacts"}) {
    CliRun r = Duban(std::string("import ") + what + " " +
                     testing::SourcePath(std::string("config/demo/") + what + ".csv") +
                     " --config " + config);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const std::string backup = dir.File("backup.db");
  CliRun r = Duban("backup --config " + config + " --to " + backup);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("完整性检查通过"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(backup + ".partial"));
  {
    SQLite::Database db(backup, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM units").getInt(), 14);
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  }
  // The copy is a working database: its audit log verifies.
  const std::string on_copy = write_config("copy.yaml", backup);
  r = Duban("audit verify --config " + on_copy);
  EXPECT_EQ(r.exit_code, 0) << r.output;

  r = Duban("backup --config " + config + " --to " + backup);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
  r = Duban("backup --config " + config + " --to " + backup + " --force");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace duban

namespace duban {
namespace {

// Another process (a backup tool, a sqlite3 session) holds the write lock:
// a write waits database.busy_timeout_ms, then fails naming the lock, and
// nothing is half-written; once the lock is gone the same write succeeds.
TEST(CliTest, ALockedDatabaseGivesABoundedWaitAndAClearErrorThenWorks) {
  testing::TempDir dir;
  const std::string config = dir.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n"
      "database:\n  path: " + dir.File("duban.db") + "\n  busy_timeout_ms: 300\n"
      "campaigns: [" + testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + testing::SourcePath("templates") + "\n"
      "holidays: " + testing::SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n  - {name: sms, type: console, family: sms}\n"
      "  - {name: town-robot, type: console, family: markdown}\n");
  CliRun r = Duban("import units " + testing::SourcePath("config/demo/units.csv") +
                   " --config " + config);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  {
    SQLite::Database locker(dir.File("duban.db"), SQLite::OPEN_READWRITE);
    locker.exec("BEGIN EXCLUSIVE");
    r = Duban("token create --role office --unit jiafeng --config " + config);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("locked"), std::string::npos) << r.output;
    locker.exec("ROLLBACK");
  }
  r = Duban("token create --role office --unit jiafeng --config " + config);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Duban("token list --config " + config);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("office"), std::string::npos) << r.output;
  r = Duban("audit verify --config " + config);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  SQLite::Database db(dir.File("duban.db"), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM api_tokens").getInt(), 1);
}

}  // namespace
}  // namespace duban
