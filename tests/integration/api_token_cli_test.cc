// `duban token` and `duban silence` as an administrator runs them against the
// demo town's database: the token is printed once and only its hash kept,
// mistakes are named, and every change lands in the audit log as "cli".
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "base/crypto.h"
#include "base/time_format.h"
#include "demo_town.h"
#include "store/store.h"
#include "testing/paths.h"
#include "testing/process.h"
#include "testing/status_matchers.h"

namespace duban {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

// Runs duban with `args`; stderr too when `with_stderr`.
CliRun Duban(const std::string& args, bool with_stderr) {
  const testing::ShellRun r = testing::Shell(testing::DubanBinary() + " " + args, with_stderr);
  return {r.exit_code, r.output};
}

class TokenCliTest : public ::testing::Test {
 protected:
  std::string Config() const { return " --config " + town_.config().source_file; }
  std::vector<store::AuditEntry> Audit() {
    auto store = store::OpenSqlite({town_.database()}, *ParseRfc3339("2024-04-08T09:00Z"));
    EXPECT_OK(store);
    if (!store.ok()) return {};
    auto all = (*store)->AuditAfter(0, 1000);
    EXPECT_OK(all);
    return all.ok() ? *all : std::vector<store::AuditEntry>{};
  }
  testing::DemoTown town_;
};

TEST_F(TokenCliTest, CreatePrintsTheTokenOnceAndStoresOnlyItsHash) {
  CliRun made = Duban("token create --role liaison --unit jf-jiafeng --contact "
                      "jf-jiafeng-liaison --label 陈晓东手机 --expires 30d" + Config(),
                      false);
  ASSERT_EQ(made.exit_code, 0) << made.out;
  // stdout is the token alone, for scripts.
  ASSERT_EQ(made.out.rfind("dbn_t_", 0), 0u) << made.out;
  const std::string bearer = made.out.substr(0, made.out.find('\n'));
  EXPECT_EQ(made.out, bearer + "\n");
  const std::string secret = bearer.substr(bearer.rfind('_') + 1);
  const std::string id = bearer.substr(4, bearer.rfind('_') - 4);

  CliRun warned = Duban("token create --role office --unit jiafeng" + Config(), true);
  EXPECT_EQ(warned.exit_code, 0);
  EXPECT_NE(warned.out.find("it is never shown again"), std::string::npos) << warned.out;

  CliRun list = Duban("token list" + Config(), true);
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("jf-jiafeng-liaison"), std::string::npos);
  EXPECT_NE(list.out.find("active"), std::string::npos);
  EXPECT_EQ(list.out.find(secret), std::string::npos);
  EXPECT_EQ(list.out.find(crypto::Sha256Hex(secret)), std::string::npos);

  auto store = store::OpenSqlite({town_.database()}, *ParseRfc3339("2024-04-08T09:00Z"));
  ASSERT_OK(store);
  auto token = (*store)->FindToken(id);
  ASSERT_OK(token);
  ASSERT_TRUE(token->has_value());
  EXPECT_EQ((*token)->secret_hash, crypto::Sha256Hex(secret));
  EXPECT_EQ((*token)->role, "liaison");
  EXPECT_TRUE((*token)->expires_at.has_value());
  store->reset();

  CliRun revoked = Duban("token revoke " + id + Config(), true);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.out;
  EXPECT_NE(Duban("token list" + Config(), true).out.find("revoked"), std::string::npos);

  std::vector<std::string> actions;
  for (const auto& e : Audit()) {
    EXPECT_EQ(e.actor, "cli");
    EXPECT_EQ(e.via, "cli");
    EXPECT_EQ(e.payload.find(secret), std::string::npos);
    actions.push_back(e.action);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"token.create", "token.create", "token.revoke"}));
}

TEST_F(TokenCliTest, MistakesAreNamed) {
  struct Case {
    std::string args;
    std::string says;
  };
  const Case cases[] = {
      {"token create --role chief --unit jiafeng", "unknown role 'chief'"},
      {"token create --role office --unit atlantis", "unknown unit 'atlantis'"},
      {"token create --role liaison --unit jf-jiafeng --contact jf-lizhuang-liaison",
       "belongs to unit 'jf-lizhuang'"},
      {"token create --role office --unit jiafeng --expires soon", "--expires: 'soon'"},
      {"token create --role office --unit jiafeng --expires 2020-01-01T00:00:00Z",
       "is in the past"},
      {"token revoke t_nothere", "no token with id 't_nothere'"},
      {"silence add --until 2d --reason x", "name at least one of --unit, --kind or --channel"},
      {"silence add --unit atlantis --until 2d --reason x", "unknown unit 'atlantis'"},
      {"silence add --channel pager --until 2d --reason x", "unknown channel 'pager'"},
      {"silence add --kind weekly_reprot --until 2d --reason x", "unknown kind 'weekly_reprot'"},
      {"silence cancel 77", "no such active silence"},
  };
  for (const auto& c : cases) {
    CliRun r = Duban(c.args + Config(), true);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
  }
  EXPECT_TRUE(Audit().empty());
}

TEST_F(TokenCliTest, SilencesAreAddedListedCancelledAndAudited) {
  CliRun added = Duban("silence add --unit jf-lizhuang --kind weekly_report_reminder --until 3d "
                       "--reason 村委换届" + Config(),
                       true);
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(added.out.find("silence 1 added"), std::string::npos) << added.out;
  CliRun list = Duban("silence list" + Config(), true);
  EXPECT_NE(list.out.find("jf-lizhuang"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("村委换届"), std::string::npos);
  EXPECT_EQ(Duban("silence cancel 1" + Config(), true).exit_code, 0);
  EXPECT_EQ(Duban("silence list" + Config(), true).out.find("jf-lizhuang"), std::string::npos);
  std::vector<std::string> actions;
  for (const auto& e : Audit()) actions.push_back(e.action + " " + e.actor);
  EXPECT_EQ(actions, (std::vector<std::string>{"silence.create cli", "silence.cancel cli"}));
}

}  // namespace
}  // namespace duban
