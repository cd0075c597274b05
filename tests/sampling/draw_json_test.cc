// A draw's JSON form (audit log, publication), re-drawing from a record, and
// the differences `duban sample verify` prints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sampling/sampling.h"
#include "testing/status_matchers.h"

namespace duban::sampling {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

Register SmallRegister() {
  Register reg;
  reg.sha256 = "ab12";
  for (int i = 1; i <= 12; ++i) {
    RegisterHouse h;
    h.id = "H-" + std::to_string(i);
    h.division_code = i <= 8 ? "620102001001" : "140525101001";
    h.town = i % 2 == 0 ? "东岗街道" : "拱星墩街道";
    h.commercial = i % 3 == 0;
    h.row = i + 1;
    reg.houses.push_back(h);
  }
  return reg;
}

workflow::SamplingPlan SmallPlan() {
  workflow::SamplingPlan plan;
  workflow::SampleGroup g;
  g.id = "group1";
  g.agency = "agency-lzys";
  g.agency_name = "兰州有色冶金设计研究院有限公司";
  workflow::SampleUnit county;
  county.code = "620102";
  county.name = "兰州市城关区";
  county.houses = 4;
  county.min_commercial = 2;
  workflow::SampleUnit town;
  town.unit = "jf-town";
  town.name = "嘉峰镇";
  town.houses = 3;
  g.units = {county, town};
  plan.groups.push_back(g);
  return plan;
}

Draw SmallDraw(uint64_t seed) {
  DrawOptions opts;
  opts.seed = seed;
  opts.unit_codes["jf-town"] = "140525101";
  return DrawSample(SmallPlan(), SmallRegister(), opts);
}

TEST(DrawJsonTest, RecordsEverythingAReDrawNeeds) {
  const json j = DrawToJson(SmallDraw(18446744073709551615u));
  EXPECT_EQ(j["algorithm"], "duban-sample-v1");
  EXPECT_EQ(j["seed"], "18446744073709551615");  // a string: exact in any reader
  EXPECT_EQ(j["register_sha256"], "ab12");
  EXPECT_EQ(j["max_town_share_percent"], 50);
  EXPECT_EQ(j["houses"], 7);
  ASSERT_EQ(j["units"].size(), 2u);
  const json& county = j["units"][0];
  EXPECT_EQ(county["code"], "620102");
  EXPECT_FALSE(county.contains("unit"));
  EXPECT_EQ(county["name"], "兰州市城关区");
  EXPECT_EQ(county["prefix"], "620102");
  EXPECT_EQ(county["group"], "group1");
  EXPECT_EQ(county["agency"], "agency-lzys");
  EXPECT_EQ(county["quota"], 4);
  EXPECT_EQ(county["min_commercial"], 2);
  EXPECT_EQ(county["town_cap"], 2);
  EXPECT_EQ(county["candidates"], 8);
  EXPECT_EQ(county["commercial_candidates"], 2);
  EXPECT_EQ(county["commercial_picked"], 2);
  ASSERT_EQ(county["picked"].size(), 4u);
  EXPECT_TRUE(county["picked"][0].is_string());
  EXPECT_EQ(county["notes"], json::array());
  EXPECT_EQ(j["units"][1]["unit"], "jf-town");
  EXPECT_EQ(j["units"][1]["prefix"], "140525101");
}

TEST(DrawJsonTest, ReDrawingFromTheRecordReproducesIt) {
  const json recorded = DrawToJson(SmallDraw(18446744073709551615u));
  Result<DrawOptions> opts = RecordedOptions(recorded);
  ASSERT_OK(opts);
  EXPECT_EQ(opts->seed, 18446744073709551615u);
  EXPECT_EQ(opts->max_town_share_percent, 50);
  EXPECT_EQ(opts->unit_codes, (std::map<std::string, std::string>{{"jf-town", "140525101"}}));
  const json redrawn = DrawToJson(DrawSample(SmallPlan(), SmallRegister(), *opts));
  EXPECT_EQ(DiffDrawJson(recorded, redrawn), std::vector<std::string>{});

  json other_algorithm = recorded;
  other_algorithm["algorithm"] = "shuffle";
  EXPECT_EQ(RecordedOptions(other_algorithm).status().code(), StatusCode::kInvalidArgument);
  json bad_seed = recorded;
  bad_seed["seed"] = "-3";
  EXPECT_FALSE(RecordedOptions(bad_seed).ok());
  json bad_share = recorded;
  bad_share["max_town_share_percent"] = 0;
  EXPECT_FALSE(RecordedOptions(bad_share).ok());
  EXPECT_FALSE(RecordedOptions(json::array()).ok());
}

TEST(DrawJsonTest, DiffNamesTheUnitAndTheHouses) {
  const json redrawn = DrawToJson(SmallDraw(1));
  json recorded = redrawn;
  const std::string dropped = redrawn["units"][0]["picked"][1];
  recorded["units"][0]["picked"][1] = "H-17";
  const auto diff = DiffDrawJson(recorded, redrawn);
  EXPECT_EQ(diff, (std::vector<std::string>{
                      "620102 兰州市城关区: 记录中有H-17，重抽中没有 (H-17 is in the record, not "
                      "in the re-draw)",
                      "620102 兰州市城关区: 重抽中有" + dropped + "，记录中没有 (" + dropped +
                          " is in the re-draw, not in the record)"}));

  json reordered = redrawn;
  std::swap(reordered["units"][1]["picked"][0], reordered["units"][1]["picked"][2]);
  EXPECT_EQ(DiffDrawJson(reordered, redrawn),
            std::vector<std::string>{
                "jf-town 嘉峰镇: 抽取顺序不同 (the houses were picked in another order)"});
}

TEST(DrawJsonTest, DiffReportsSeedShareUnitsAndCounts) {
  const json a = DrawToJson(SmallDraw(1));
  const json b = DrawToJson(SmallDraw(2));
  const auto diff = DiffDrawJson(a, b);
  EXPECT_THAT(diff, Contains("seed: 记录为\"1\"，重抽为\"2\" (recorded \"1\", re-drawn \"2\")"));

  json missing_unit = a;
  missing_unit["units"].erase(1);
  missing_unit["units"][0]["quota"] = 5;
  const auto lines = DiffDrawJson(missing_unit, a);
  EXPECT_THAT(lines, Contains("620102 兰州市城关区: quota: 记录为5，重抽为4 (recorded 5, "
                              "re-drawn 4)"));
  EXPECT_THAT(lines, Contains("jf-town 嘉峰镇: 重抽中有此抽查单位，记录中没有 (the unit is in "
                              "the re-draw, not in the record)"));
}

TEST(DrawJsonTest, DiffNeverThrowsOnAMangledRecord) {
  const json good = DrawToJson(SmallDraw(1));
  EXPECT_EQ(DiffDrawJson(json::array(), good),
            std::vector<std::string>{"记录不是一次抽取 (the record is not a draw)"});
  json mangled = good;
  mangled["units"][0]["picked"] = json::array({1, nullptr, std::string("\xff\xfe")});
  mangled["units"][1] = "not a unit";
  mangled["seed"] = std::string("\xc3");
  std::vector<std::string> lines;
  EXPECT_NO_THROW(lines = DiffDrawJson(mangled, good));
  EXPECT_GE(lines.size(), 3u);
  json no_units = good;
  no_units["units"] = "none";
  EXPECT_NO_THROW(lines = DiffDrawJson(no_units, good));
  EXPECT_THAT(lines, Contains(HasSubstr("重抽中有此抽查单位")));
}

}  // namespace
}  // namespace duban::sampling
