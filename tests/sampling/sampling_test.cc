// The spot-check draw (duban-sample-v1) on synthetic registers: quotas,
// commercial minimums, the town cap, houses marked 无, reproducibility, the
// shipped Gansu plan, and the reference values docs/sampling.md's Python
// snippet prints.
#include "sampling/sampling.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "testing/paths.h"
#include "testing/status_matchers.h"
#include "workflow/workflow.h"

namespace duban::sampling {
namespace {

using ::testing::HasSubstr;

struct Row {
  std::string id;
  std::string code;
  std::string town;
  bool commercial = false;
  std::string hazard = "一般";
};

std::string Csv(const std::vector<Row>& rows) {
  std::string csv = "房屋编号,区划代码,乡镇（街道）,是否经营性,隐患等级\n";
  for (const Row& r : rows) {
    csv +=
        fmt::format("{},{},{},{},{}\n", r.id, r.code, r.town, r.commercial ? "是" : "否", r.hazard);
  }
  return csv;
}

Register Parse(const std::vector<Row>& rows) {
  Result<Register> reg = ParseRegister(Csv(rows), "houses.csv");
  EXPECT_OK(reg);
  return reg.ok() ? *reg : Register{};
}

// `n` houses under division `code` (a county's 6 digits or a town's 9) in
// `town`, ids "<tag>-1".."<tag>-n", the first `commercial` of them commercial.
void Add(std::vector<Row>& rows, const std::string& code, const std::string& town,
         const std::string& tag, int n, int commercial = 0) {
  for (int i = 1; i <= n; ++i) {
    const std::string village =
        code.size() == 6 ? fmt::format("{}100{:03d}", code, i) : fmt::format("{}{:03d}", code, i);
    rows.push_back(Row{fmt::format("{}-{}", tag, i), village, town, i <= commercial});
  }
}

workflow::SampleUnit Unit(const std::string& code, const std::string& name, int houses = 20,
                          int min_commercial = 12) {
  workflow::SampleUnit u;
  u.code = code;
  u.name = name;
  u.houses = houses;
  u.min_commercial = min_commercial;
  return u;
}

workflow::SamplingPlan Plan(std::vector<workflow::SampleUnit> units) {
  workflow::SamplingPlan plan;
  workflow::SampleGroup g;
  g.id = "group1";
  g.title = "第一组";
  g.agency = "agency-lzys";
  g.agency_name = "兰州有色冶金设计研究院有限公司";
  g.units = std::move(units);
  plan.groups.push_back(std::move(g));
  return plan;
}

Draw DrawWithSeed(const workflow::SamplingPlan& plan, const Register& reg, uint64_t seed,
                  int share = 50) {
  DrawOptions opts;
  opts.seed = seed;
  opts.max_town_share_percent = share;
  return DrawSample(plan, reg, opts);
}

std::map<std::string, int> PicksPerTown(const UnitDraw& u) {
  std::map<std::string, int> n;
  for (const RegisterHouse& h : u.picked) ++n[h.town];
  return n;
}

std::vector<std::string> Ids(const UnitDraw& u) {
  std::vector<std::string> ids;
  for (const RegisterHouse& h : u.picked) ids.push_back(h.id);
  return ids;
}

bool HasNote(const UnitDraw& u, const std::string& note) {
  return std::find(u.notes.begin(), u.notes.end(), note) != u.notes.end();
}

TEST(SamplingTest, RankKeyIsSha256OfSeedUnitAndHouse) {
  // Printed by the Python snippet in docs/sampling.md.
  EXPECT_EQ(RankKey(42, "620102", "H-1"),
            "45d1c12e4a657ca882d886a173d4e228f539fce3c0ec1089e92e28e5dd98281f");
  EXPECT_EQ(RankKey(18446744073709551615u, "jf-shangcun", "房-1"),
            "05a94ad7e3072a414d1d5457ab485f59a909a6a8b12d4ecaa6a15385a8af81e7");
}

TEST(SamplingTest, DrawMatchesThePythonReferenceInTheDocs) {
  const std::vector<std::string> towns = {"东岗街道", "拱星墩街道", "青白石街道"};
  std::vector<Row> rows;
  for (int i = 1; i <= 12; ++i) {
    rows.push_back(Row{fmt::format("H-{:02d}", i), fmt::format("620102001{:03d}", i),
                       i < 10 ? towns[static_cast<size_t>(i % 3)] : towns[0], i % 2 == 0});
  }
  const Draw draw =
      DrawWithSeed(Plan({Unit("620102", "兰州市城关区", 6, 3)}), Parse(rows), 20241021);
  ASSERT_EQ(draw.units.size(), 1u);
  // Cap 3: H-03 (东岗街道, ranked before H-04) is passed over for the cap.
  EXPECT_EQ(Ids(draw.units[0]),
            (std::vector<std::string>{"H-02", "H-06", "H-10", "H-11", "H-01", "H-04"}));
  EXPECT_EQ(draw.units[0].town_cap, 3);
  EXPECT_TRUE(draw.units[0].notes.empty());
}

// Three units in plan order, the first covering the second (a house goes to
// one unit only), houses marked 无, and at 30% towns over the cap.
TEST(SamplingTest, PlanDrawMatchesThePythonReferenceInTheDocs) {
  const std::string csv =
      "房屋编号,区划代码,乡镇（街道）,是否经营性,隐患等级\n"
      "A1,620102001001,东岗街道,是,一般\n"
      "A2,620102001002,东岗街道,是,严重\n"
      "A3,620102001003,东岗街道,是,\n"
      "A4,620102001004,东岗街道,否,一般\n"
      "A5,620102001005,东岗街道,否,倒塌风险\n"
      "A6,620102001006,东岗街道,否,一般\n"
      "B1,620102002001,拱星墩街道,是,一般\n"
      "B2,620102002002,拱星墩街道,否,一般\n"
      "B3,620102002003,拱星墩街道,否,一般\n"
      "N1,620102002004,拱星墩街道,是,无\n"
      "C1,620103001001,西园街道,是,一般\n"
      "C2,620103001002,西园街道,是,一般\n"
      "C3,620103001003,西园街道,否,一般\n"
      "C4,620103001004,西园街道,否,一般\n"
      "C5,620103002001,西湖街道,否,一般\n";
  Result<Register> reg = ParseRegister(csv, "case.csv");
  ASSERT_OK(reg);
  workflow::SampleUnit qilihe;
  qilihe.unit = "jf-qilihe";
  qilihe.houses = 3;
  qilihe.min_commercial = 1;
  const auto plan =
      Plan({Unit("620100", "兰州市", 6, 2), Unit("620102", "兰州市城关区", 4, 2), qilihe});
  DrawOptions opts;
  opts.seed = 7;
  opts.unit_codes["jf-qilihe"] = "620103";
  using Ids_ = std::vector<std::string>;
  Draw draw = DrawSample(plan, *reg, opts);
  ASSERT_EQ(draw.units.size(), 3u);
  EXPECT_EQ(Ids(draw.units[0]), (Ids_{"C1", "C2", "A5", "C3", "B3", "C5"}));
  EXPECT_EQ(Ids(draw.units[1]), (Ids_{"A1", "A2", "B2", "B1"}));
  EXPECT_EQ(Ids(draw.units[2]), (Ids_{"C4"}));
  EXPECT_EQ(draw.units[2].notes, (Ids_{"另有4栋隐患房屋已由前面的抽查单位抽中，不再重复抽取",
                                       "经营性隐患房屋仅0栋，不足1栋，其余从非经营性隐患房屋中补足",
                                       "隐患房屋仅1栋，不足3栋，已全部抽取"}));

  opts.max_town_share_percent = 30;
  draw = DrawSample(plan, *reg, opts);
  EXPECT_EQ(Ids(draw.units[0]), (Ids_{"C1", "C2", "A5", "B3", "C5", "B2"}));
  EXPECT_EQ(Ids(draw.units[1]), (Ids_{"A1", "A2", "B1", "A4"}));
  EXPECT_EQ(Ids(draw.units[2]), (Ids_{"C4", "C3"}));
  EXPECT_EQ(draw.units[1].notes, (Ids_{"另有3栋隐患房屋已由前面的抽查单位抽中，不再重复抽取",
                                       "乡镇（街道）分布受限：东岗街道超过30%"}));
  EXPECT_EQ(draw.units[2].notes.back(), "乡镇（街道）分布受限：西园街道超过30%");
}

TEST(SamplingTest, TooFewCommercialHousesAreToppedUpWithOthers) {
  std::vector<Row> rows;
  Add(rows, "620102", "东岗街道", "DG", 10, 4);
  Add(rows, "620102", "拱星墩街道", "GX", 10, 4);
  Add(rows, "620102", "青白石街道", "QB", 10, 0);
  const Draw draw = DrawWithSeed(Plan({Unit("620102", "兰州市城关区")}), Parse(rows), 7);
  const UnitDraw& u = draw.units[0];
  EXPECT_EQ(u.candidates, 30);
  EXPECT_EQ(u.commercial_candidates, 8);
  ASSERT_EQ(u.picked.size(), 20u);
  EXPECT_EQ(u.commercial_picked, 8);
  for (size_t i = 0; i < 8; ++i) EXPECT_TRUE(u.picked[i].commercial) << i;  // pass 1 first
  EXPECT_EQ(
      u.notes,
      (std::vector<std::string>{"经营性隐患房屋仅8栋，不足12栋，其余从非经营性隐患房屋中补足"}));
}

TEST(SamplingTest, ACountyWithFewerHousesThanTheQuotaGivesThemAll) {
  std::vector<Row> rows;
  Add(rows, "620111", "海石湾镇", "HS", 5, 3);
  Add(rows, "620121", "城关镇", "YD", 30, 20);  // another county: not a candidate
  const Draw draw = DrawWithSeed(Plan({Unit("620111", "兰州市红古区")}), Parse(rows), 7);
  const UnitDraw& u = draw.units[0];
  std::vector<std::string> ids = Ids(u);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"HS-1", "HS-2", "HS-3", "HS-4", "HS-5"}));
  EXPECT_EQ(u.commercial_picked, 3);
  EXPECT_TRUE(HasNote(u, "隐患房屋仅5栋，不足20栋，已全部抽取"));
  EXPECT_TRUE(HasNote(u, "经营性隐患房屋仅3栋，不足12栋，其余从非经营性隐患房屋中补足"));
}

TEST(SamplingTest, JinchangDraws20FromEachOfItsTwoCounties) {
  std::vector<Row> rows;
  for (const auto& [code, tag] : {std::pair{"620302", "JC"}, std::pair{"620321", "YC"}}) {
    Add(rows, code, "甲镇", std::string(tag) + "A", 12, 6);
    Add(rows, code, "乙镇", std::string(tag) + "B", 12, 6);
    Add(rows, code, "丙镇", std::string(tag) + "C", 12, 6);
  }
  const Draw draw = DrawWithSeed(
      Plan({Unit("620302", "金昌市金川区"), Unit("620321", "金昌市永昌县")}), Parse(rows), 99);
  ASSERT_EQ(draw.units.size(), 2u);
  EXPECT_EQ(draw.Houses(), 40);
  for (const UnitDraw& u : draw.units) {
    EXPECT_EQ(u.picked.size(), 20u) << u.name;
    EXPECT_GE(u.commercial_picked, 12) << u.name;
    EXPECT_TRUE(u.notes.empty()) << u.name;
    for (const RegisterHouse& h : u.picked) {
      EXPECT_EQ(h.division_code.substr(0, 6), u.code) << h.id;
    }
  }
}

TEST(SamplingTest, HousesMarkedNoneAreNeverDrawn) {
  std::vector<Row> rows;
  Add(rows, "620102", "东岗街道", "H", 6, 6);
  for (int i = 1; i <= 30; ++i) {
    rows.push_back(
        Row{fmt::format("N-{}", i), "620102001001", "东岗街道", true, i % 2 == 0 ? "无" : "none"});
  }
  rows.push_back(Row{"E-1", "620102001001", "拱星墩街道", false, ""});  // unstated: a hazard
  const Register reg = Parse(rows);
  EXPECT_EQ(reg.houses.size(), 37u);
  const Draw draw = DrawWithSeed(Plan({Unit("620102", "兰州市城关区")}), reg, 3, 100);
  const UnitDraw& u = draw.units[0];
  EXPECT_EQ(u.candidates, 7);
  EXPECT_EQ(u.picked.size(), 7u);
  for (const RegisterHouse& h : u.picked) EXPECT_NE(h.id.substr(0, 2), "N-") << h.id;
  EXPECT_TRUE(HasNote(u, "隐患房屋仅7栋，不足20栋，已全部抽取"));
}

// One town has 60 candidates, three others 5 each.
std::vector<Row> LopsidedCounty(int big_commercial = 0) {
  std::vector<Row> rows;
  Add(rows, "620121", "城关镇", "CG", 60, big_commercial);
  Add(rows, "620121", "红城镇", "HC", 5);
  Add(rows, "620121", "中堡镇", "ZB", 5);
  Add(rows, "620121", "武胜驿镇", "WS", 5);
  return rows;
}

TEST(SamplingTest, NoTownExceedsItsShareWhileOthersHaveCandidates) {
  const Register reg = Parse(LopsidedCounty());
  const auto plan = Plan({Unit("620121", "兰州市永登县", 20, 0)});
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const UnitDraw u = DrawWithSeed(plan, reg, seed).units[0];
    ASSERT_EQ(u.picked.size(), 20u);
    EXPECT_EQ(u.town_cap, 10);
    EXPECT_LE(PicksPerTown(u)["城关镇"], 10) << seed;
    EXPECT_TRUE(u.notes.empty()) << seed;
    // Without the cap, 60 of 75 candidates would take most of the 20.
    const UnitDraw uncapped = DrawWithSeed(plan, reg, seed, 100).units[0];
    EXPECT_GT(PicksPerTown(uncapped)["城关镇"], 10) << seed;
  }
}

TEST(SamplingTest, TheCapIsRelaxedWithANoteWhenTheOtherTownsRunOut) {
  const UnitDraw u =
      DrawWithSeed(Plan({Unit("620121", "兰州市永登县", 40, 0)}), Parse(LopsidedCounty()), 1)
          .units[0];
  ASSERT_EQ(u.picked.size(), 40u);
  const auto per_town = PicksPerTown(u);
  EXPECT_EQ(per_town.at("城关镇"), 25);  // cap 20, then 5 more once the others are empty
  EXPECT_EQ(per_town.at("红城镇"), 5);
  EXPECT_EQ(per_town.at("中堡镇"), 5);
  EXPECT_EQ(per_town.at("武胜驿镇"), 5);
  EXPECT_EQ(u.notes, (std::vector<std::string>{"乡镇（街道）分布受限：城关镇超过50%"}));
}

TEST(SamplingTest, CommercialMinimumMayExceedTheCapWhenOnlyOneTownHasThem) {
  const UnitDraw u = DrawWithSeed(Plan({Unit("620121", "兰州市永登县")}),
                                  Parse(LopsidedCounty(/*big_commercial=*/15)), 1)
                         .units[0];
  ASSERT_EQ(u.picked.size(), 20u);
  EXPECT_EQ(u.commercial_picked, 12);
  EXPECT_EQ(PicksPerTown(u).at("城关镇"), 12);  // 12 commercial; no other house from there
  EXPECT_EQ(u.notes, (std::vector<std::string>{"乡镇（街道）分布受限：城关镇超过50%"}));
  const int share = 30;
  const UnitDraw v =
      DrawWithSeed(Plan({Unit("620121", "兰州市永登县", 20, 0)}), Parse(LopsidedCounty()), 1, share)
          .units[0];
  EXPECT_EQ(v.town_cap, 6);
  EXPECT_LE(PicksPerTown(v).at("城关镇"), 6);  // 6 + 3 × 5 = 21 ≥ 20 within the cap
  EXPECT_TRUE(v.notes.empty());
}

TEST(SamplingTest, SameSeedAndRegisterGiveTheSameDrawInAnyRowOrder) {
  std::vector<Row> rows;
  Add(rows, "620102", "东岗街道", "DG", 15, 8);
  Add(rows, "620102", "拱星墩街道", "GX", 15, 8);
  Add(rows, "620111", "海石湾镇", "HS", 25, 14);
  const auto plan = Plan({Unit("620102", "兰州市城关区"), Unit("620111", "兰州市红古区")});
  const Register reg = Parse(rows);
  const nlohmann::json first = DrawToJson(DrawWithSeed(plan, reg, 20241021));
  EXPECT_EQ(first, DrawToJson(DrawWithSeed(plan, reg, 20241021)));
  EXPECT_TRUE(DiffDrawJson(first, DrawToJson(DrawWithSeed(plan, reg, 20241021))).empty());

  std::vector<Row> shuffled = rows;
  std::reverse(shuffled.begin(), shuffled.end());
  std::rotate(shuffled.begin(), shuffled.begin() + 17, shuffled.end());
  const Register other = Parse(shuffled);
  ASSERT_NE(other.sha256, reg.sha256);  // other bytes, so another register hash...
  const nlohmann::json again = DrawToJson(DrawWithSeed(plan, other, 20241021));
  EXPECT_EQ(again["units"], first["units"]);  // ...but the same houses in the same order
  const auto diff = DiffDrawJson(first, again);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_THAT(diff[0], HasSubstr("register_sha256: 记录为"));

  const nlohmann::json reseeded = DrawToJson(DrawWithSeed(plan, reg, 20241022));
  EXPECT_NE(reseeded["units"][0]["picked"], first["units"][0]["picked"]);
  EXPECT_NE(reseeded["units"][1]["picked"], first["units"][1]["picked"]);
}

TEST(SamplingTest, ShippedGansuPlanDraws840Houses) {
  Diagnostics diags;
  const auto spec = workflow::LoadCampaignFile(
      testing::SourcePath("workflows/gansu-2024-spot-check.yaml"), {}, &diags);
  ASSERT_NE(spec, nullptr) << diags.ToString();
  ASSERT_TRUE(spec->sampling.has_value());
  EXPECT_EQ(spec->sampling->max_town_share, 50);
  std::vector<Row> rows;
  for (const auto& g : spec->sampling->groups) {
    for (const auto& u : g.units) {
      ASSERT_FALSE(u.code.empty()) << u.name;
      // 嘉峪关市 is "620200"; its houses carry the district code 620201.
      const std::string code = u.code == "620200" ? "620201" : u.code;
      Add(rows, code, u.name + "甲镇", u.code + "A", 10, 5);
      Add(rows, code, u.name + "乙镇", u.code + "B", 10, 5);
      Add(rows, code, u.name + "丙镇", u.code + "C", 10, 5);
    }
  }
  DrawOptions opts;
  opts.seed = 20241021;
  opts.max_town_share_percent = spec->sampling->max_town_share;
  const Draw draw = DrawSample(*spec->sampling, Parse(rows), opts);
  EXPECT_EQ(draw.Houses(), 840);
  EXPECT_EQ(draw.units.size(), 42u);
  std::map<std::string, int> per_group;
  for (const UnitDraw& u : draw.units) {
    per_group[u.group] += static_cast<int>(u.picked.size());
    EXPECT_EQ(u.candidates, 30) << u.name;
    EXPECT_EQ(u.picked.size(), 20u) << u.name;
    EXPECT_GE(u.commercial_picked, 12) << u.name;
    EXPECT_TRUE(u.notes.empty()) << u.name;
  }
  EXPECT_EQ(per_group, (std::map<std::string, int>{
                           {"group1", 200}, {"group2", 220}, {"group3", 180}, {"group4", 240}}));
}

TEST(SamplingTest, UnitsGivenByIdUseTheCallersCodes) {
  std::vector<Row> rows;
  Add(rows, "140525101", "嘉峰镇", "JF", 8, 2);  // 9-digit town codes + 3 digits
  workflow::SampleUnit by_id;
  by_id.unit = "jf-town";
  by_id.name = "嘉峰镇";
  by_id.houses = 5;
  workflow::SampleUnit unknown = by_id;
  unknown.unit = "jf-nowhere";
  unknown.name = "无此镇";
  DrawOptions opts;
  opts.seed = 1;
  opts.unit_codes["jf-town"] = "140525101000";  // a town's 12-digit code
  const Draw draw = DrawSample(Plan({by_id, unknown}), Parse(rows), opts);
  EXPECT_EQ(draw.units[0].prefix, "140525101");
  EXPECT_EQ(draw.units[0].picked.size(), 5u);
  EXPECT_EQ(draw.units[0].key(), "jf-town");
  EXPECT_TRUE(draw.units[1].picked.empty());
  EXPECT_EQ(draw.units[1].notes,
            (std::vector<std::string>{"单位 'jf-nowhere' 没有区划代码，未抽取"}));
}

TEST(SamplingTest, AHouseIsDrawnForOneUnitOnly) {
  std::vector<Row> rows;
  Add(rows, "620102", "东岗街道", "DG", 10);
  Add(rows, "620105", "十里店街道", "SL", 10);
  // 兰州市 as a whole first, then 城关区 inside it.
  const Draw draw =
      DrawWithSeed(Plan({Unit("620100", "兰州市", 15, 0), Unit("620102", "兰州市城关区", 10, 0)}),
                   Parse(rows), 5, 100);
  EXPECT_EQ(draw.units[0].prefix, "6201");
  ASSERT_EQ(draw.units[0].picked.size(), 15u);
  const int taken_in_chengguan = PicksPerTown(draw.units[0])["东岗街道"];
  EXPECT_EQ(draw.units[1].candidates, 10 - taken_in_chengguan);
  for (const RegisterHouse& h : draw.units[1].picked) {
    for (const RegisterHouse& g : draw.units[0].picked) EXPECT_NE(h.id, g.id);
  }
  EXPECT_TRUE(HasNote(
      draw.units[1],
      fmt::format("另有{}栋隐患房屋已由前面的抽查单位抽中，不再重复抽取", taken_in_chengguan)));
}

TEST(SamplingTest, DivisionPrefixDropsTrailingZeroLevels) {
  EXPECT_EQ(DivisionPrefix("620102"), "620102");
  EXPECT_EQ(DivisionPrefix("620200"), "6202");
  EXPECT_EQ(DivisionPrefix("620000"), "62");
  EXPECT_EQ(DivisionPrefix("620102000000"), "620102");
  EXPECT_EQ(DivisionPrefix("620102001000"), "620102001");
  EXPECT_EQ(DivisionPrefix("620102001001"), "620102001001");
  EXPECT_EQ(DivisionPrefix("6201020"), "6201020");  // not a level boundary: as written
}

TEST(SamplingTest, SeedsAreDecimalUint64) {
  EXPECT_EQ(ParseSeed("0"), 0u);
  EXPECT_EQ(ParseSeed("20241021"), 20241021u);
  EXPECT_EQ(ParseSeed("18446744073709551615"), 18446744073709551615u);
  EXPECT_FALSE(ParseSeed("18446744073709551616").has_value());
  EXPECT_FALSE(ParseSeed("-1").has_value());
  EXPECT_FALSE(ParseSeed("+1").has_value());
  EXPECT_FALSE(ParseSeed("12a").has_value());
  EXPECT_FALSE(ParseSeed("").has_value());
}

}  // namespace
}  // namespace duban::sampling
