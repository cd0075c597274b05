#include "demo_town.h"

#include <gtest/gtest.h>

#include "base/time_format.h"
#include "importer/importer.h"
#include "store/store.h"
#include "testing/paths.h"

namespace duban::testing {

DemoTown::DemoTown() {
  const std::string path = dir_.Write(
      "duban.yaml",
      "server:\n  listen: 127.0.0.1:0\n"
      "database:\n  path: " + dir_.File("duban.db") + "\n"
      "campaigns: [" + SourcePath("workflows/jiafeng-2024-hundred-day.yaml") + "]\n"
      "templates_dir: " + SourcePath("templates") + "\n"
      "holidays: " + SourcePath("config/calendars/cn-holidays.csv") + "\n"
      "channels:\n"
      "  - {name: sms, type: console, family: sms}\n"
      "  - {name: town-robot, type: console, family: markdown}\n");
  Diagnostics diags;
  config_ = config::LoadConfig(path, &diags);
  EXPECT_NE(config_, nullptr) << diags.ToString();
  if (config_ == nullptr) return;

  auto store = store::OpenSqlite({config_->database_path}, *ParseRfc3339("2024-03-01T00:00Z"));
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return;
  auto units = importer::ParseUnits(ReadFileOrDie(SourcePath("config/demo/units.csv")),
                                    "units.csv", {});
  EXPECT_EQ(units.RejectedRows(), 0);
  EXPECT_TRUE((*store)->UpsertUnits(units.records).ok());
  importer::ContactContext cctx;
  cctx.units = importer::UnitLevels(units.records);
  auto contacts = importer::ParseContacts(
      ReadFileOrDie(SourcePath("config/demo/contacts.csv")), "contacts.csv", cctx);
  EXPECT_EQ(contacts.RejectedRows(), 0);
  EXPECT_TRUE((*store)->UpsertContacts(contacts.records).ok());
}

void OpenDemoEngine(const DemoTown& town, SystemTime now, engine::Options options,
                    app::Loaded* loaded, std::unique_ptr<store::Store>* store,
                    std::unique_ptr<engine::Engine>* engine) {
  Diagnostics diags;
  *loaded = app::LoadCampaigns(town.config(), &diags);
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  auto s = store::OpenSqlite({town.database()}, now);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  *store = std::move(*s);
  options.campaigns = loaded->campaigns;
  options.calendar = loaded->calendar.get();
  *engine = std::make_unique<engine::Engine>(options, **store);
  (*engine)->SetDirectory(
      std::make_shared<engine::Directory>(*(*store)->ListUnits(), *(*store)->ListContacts()));
}

}  // namespace duban::testing
