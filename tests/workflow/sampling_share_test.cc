// sampling.max_town_share: optional, a whole percent from 1 to 100, 50 when
// absent (docs/workflows.md, docs/sampling.md).
#include <gtest/gtest.h>

#include "testing/paths.h"
#include "workflow/workflow.h"

namespace duban::workflow {
namespace {

const char kShipped[] = "workflows/gansu-2024-spot-check.yaml";
const std::string kLine = "  max_town_share: 50";

// The shipped Gansu campaign with its max_town_share line replaced.
std::string GansuWith(const std::string& line) {
  std::string text = testing::ReadFileOrDie(testing::SourcePath(kShipped));
  const size_t at = text.find(kLine);
  EXPECT_NE(at, std::string::npos);
  if (at == std::string::npos) return text;
  const size_t end = text.find('\n', at);
  return text.replace(at, end - at, line);
}

std::shared_ptr<const WorkflowSpec> Load(const std::string& text, Diagnostics* diags) {
  return LoadCampaignText(text, "gansu.yaml", {}, diags);
}

TEST(SamplingShareTest, ReadsTheShareAndDefaultsTo50) {
  Diagnostics diags;
  auto spec = Load(GansuWith("  max_town_share: 30"), &diags);
  ASSERT_NE(spec, nullptr) << diags.ToString();
  EXPECT_EQ(spec->sampling->max_town_share, 30);
  spec = Load(GansuWith(""), &diags);
  ASSERT_NE(spec, nullptr) << diags.ToString();
  EXPECT_EQ(spec->sampling->max_town_share, 50);
}

TEST(SamplingShareTest, RefusesSharesOutsideOneToHundred) {
  for (const char* value : {"0", "101", "50.5", "half"}) {
    Diagnostics diags;
    EXPECT_EQ(Load(GansuWith(std::string("  max_town_share: ") + value), &diags), nullptr) << value;
    EXPECT_NE(diags.ToString().find("sampling.max_town_share"), std::string::npos)
        << diags.ToString();
  }
}

}  // namespace
}  // namespace duban::workflow
