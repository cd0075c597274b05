#include "render/render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace duban::render {
namespace {

TEST(TemplateSetTest, RendersListsWithoutHtmlEscaping) {
  Diagnostics diags;
  auto set = TemplateSet::FromMap(
      {{"missing.text", "{{office}}：截至{{due}}，{{count}}个村未报送：{{#units}}{{name}}{{^last}}、{{/last}}{{/units}}。"}},
      &diags);
  ASSERT_FALSE(diags.has_errors());
  nlohmann::json ctx = {{"office", "镇规划建设办公室"},
                        {"due", "4月12日12:00"},
                        {"count", 2},
                        {"units", {{{"name", "李庄村<1>"}, {"last", false}},
                                   {{"name", "郭南村"}, {"last", true}}}}};
  auto out = set->Render("missing.text", ctx);
  ASSERT_OK(out);
  EXPECT_EQ(*out, "镇规划建设办公室：截至4月12日12:00，2个村未报送：李庄村<1>、郭南村。");
}

TEST(TemplateSetTest, ReportsTopLevelVariables) {
  Diagnostics diags;
  auto set = TemplateSet::FromMap({{"a.sms", "{{x}} {{#items}}{{name}}{{/items}} {{{y}}} {{! note}}"}},
                                  &diags);
  EXPECT_EQ(set->Variables("a.sms"), (std::set<std::string>{"items", "x", "y"}));
}

TEST(TemplateSetTest, BrokenTemplateIsReportedAndLeftOut) {
  testing::TempDir dir;
  dir.Write("good.text.mustache", "ok {{a}}");
  dir.Write("bad.text.mustache", "{{#open}} never closed");
  dir.Write("README", "not a template");
  Diagnostics diags;
  auto set = TemplateSet::LoadDir(dir.path().string(), &diags);
  EXPECT_EQ(set->Names(), (std::set<std::string>{"good.text"}));
  ASSERT_EQ(diags.error_count(), 1);
  EXPECT_NE(diags.items()[0].file.find("bad.text.mustache"), std::string::npos);
  EXPECT_FALSE(set->Render("nope", {}).ok());
}

}  // namespace
}  // namespace duban::render
