// Loading what a configuration points at: the holiday-coverage warning for
// a campaign in a year the calendar does not cover yet.
#include "app/campaigns.h"

#include <gtest/gtest.h>

#include "testing/paths.h"
#include "testing/temp_dir.h"

namespace duban::app {
namespace {

TEST(LoadCampaignsTest, CampaignInAYearWithoutHolidayDataWarnsButLoads) {
  testing::TempDir dir;
  std::string text = testing::ReadFileOrDie(testing::SourcePath("workflows/template-campaign.yaml"));
  for (size_t p = text.find("2026"); p != std::string::npos; p = text.find("2026", p + 4)) {
    text.replace(p, 4, "2027");
  }
  const std::string campaign = dir.Write("c2027.yaml", text);
  config::DaemonConfig cfg;
  cfg.campaign_files = {campaign};
  cfg.templates_dir = testing::SourcePath("templates");
  cfg.holidays_file = testing::SourcePath("config/calendars/cn-holidays.csv");
  Diagnostics diags;
  Loaded loaded = LoadCampaigns(cfg, &diags);
  EXPECT_FALSE(diags.has_errors()) << diags.ToString();
  ASSERT_EQ(loaded.campaigns.size(), 1u);
  EXPECT_NE(diags.ToString().find("has no 2027 schedule: working days in 2027 count weekends only"),
            std::string::npos)
      << diags.ToString();
}

TEST(LoadCampaignsTest, ShippedCampaignsLoadTogetherWithoutErrors) {
  config::DaemonConfig cfg;
  cfg.campaign_files = {testing::SourcePath("workflows/jiafeng-2024-hundred-day.yaml"),
                        testing::SourcePath("workflows/gansu-2024-spot-check.yaml"),
                        testing::SourcePath("workflows/template-campaign.yaml")};
  cfg.templates_dir = testing::SourcePath("templates");
  cfg.holidays_file = testing::SourcePath("config/calendars/cn-holidays.csv");
  Diagnostics diags;
  Loaded loaded = LoadCampaigns(cfg, &diags);
  EXPECT_FALSE(diags.has_errors()) << diags.ToString();
  EXPECT_EQ(loaded.campaigns.size(), 3u);
}

}  // namespace
}  // namespace duban::app
