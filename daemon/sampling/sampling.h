// Reproducible spot-check sampling (抽查): which hazard houses the third-party
// agencies inspect. The province publishes a seed and the hazard-house
// register it drew from; DrawSample turns plan + register + seed into the
// same houses on any machine, so anyone can re-draw and compare. The
// algorithm, "duban-sample-v1", is specified in docs/sampling.md:
//
//   candidates: the unit's hazard houses (division code under the unit's
//     code, hazard level not 无), minus houses an earlier unit already drew;
//   order: by SHA-256 hex of "<seed>|<unit code or id>|<house id>", then id;
//   town cap: ceil(max_town_share_percent × quota / 100), at least 1;
//   pass 1: commercial candidates in order, at most `cap` per town, until
//     min(min_commercial, #commercial); short → again ignoring the cap;
//   pass 2: all remaining candidates in order with the cap until the quota;
//     short → again ignoring the cap.
//
// It is pure: no files, clock or randomness of its own. The CLI (`duban
// sample`) reads the register, picks or is given the seed, calls DrawSample
// and writes DrawToJson to the audit log. Any thread.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "workflow/spec.h"

namespace duban::sampling {

inline constexpr std::string_view kAlgorithm = "duban-sample-v1";

// One row of the hazard-house register (隐患房屋台账).
struct RegisterHouse {
  std::string id;             // 房屋编号, as the national platform lists it
  std::string division_code;  // 区划代码: 6-12 digits, county or finer
  std::string town;           // 乡镇（街道）, for spreading the sample
  // "general", "serious", "collapse_risk", "none" (never drawn), or "" when
  // the register has no 隐患等级 column or leaves the cell empty: a house in
  // a hazard register is a hazard house unless it says 无.
  std::string hazard_level;
  bool commercial = false;  // 是否经营性
  int row = 0;              // in the file, header = 1
};

struct Register {
  std::vector<RegisterHouse> houses;  // in file order
  std::string sha256;                 // lowercase hex of the exact file bytes
  std::string file;                   // as given to ParseRegister
};

// Reads a register CSV (UTF-8, UTF-8 BOM or GB18030; columns in
// docs/sampling.md). A draw must never run on a partly read register, so any
// problem fails the whole parse: InvalidArgument whose message has one line
// per problem, "houses.csv 第5行 C列(town): ...". Problems: unreadable bytes,
// a missing required column, a malformed row, an empty or bad cell, a
// duplicate house id, no houses at all.
Result<Register> ParseRegister(std::string_view bytes, const std::string& file_name);

// True unless the house is marked 无 (hazard_level "none").
bool IsHazard(const RegisterHouse& house);

// The prefix of division codes a plan code stands for: trailing all-zero
// levels (digits 3-4, 5-6, 7-9, 10-12) are dropped, so "620200" (嘉峪关市)
// covers "620201...", "620102000000" covers "620102..." and "620102" stays.
std::string DivisionPrefix(std::string_view code);

// Parses a seed written in decimal ("0" to "18446744073709551615").
std::optional<uint64_t> ParseSeed(std::string_view text);

struct DrawOptions {
  uint64_t seed = 0;
  // REQUIRES: 1-100. Usually workflow::SamplingPlan::max_town_share.
  int max_town_share_percent = 50;
  // Division code of each plan unit given by `unit` (an id), filled by the
  // caller from the directory. A unit missing here gets no houses and a note.
  std::map<std::string, std::string> unit_codes;
};

// The houses drawn for one plan unit.
struct UnitDraw {
  std::string code;    // the plan's `code`, or ""
  std::string unit;    // the plan's `unit` id, or ""
  std::string name;    // "兰州市城关区"
  std::string prefix;  // division-code prefix matched; "" when none known
  std::string group;   // SampleGroup::id
  std::string agency;  // SampleGroup::agency (unit id)
  std::string agency_name;
  int quota = 0;           // SampleUnit::houses
  int min_commercial = 0;  // SampleUnit::min_commercial
  int town_cap = 0;        // most houses from one town while others have some
  int candidates = 0;      // hazard houses available to this unit
  int commercial_candidates = 0;
  std::vector<RegisterHouse> picked;  // in pick order
  int commercial_picked = 0;
  std::vector<std::string> notes;  // Chinese, for the people reading the draw
  // "620102" or the unit id: the middle part of the rank key.
  const std::string& key() const { return code.empty() ? unit : code; }
};

struct Draw {
  std::string algorithm{kAlgorithm};
  uint64_t seed = 0;
  std::string register_sha256;
  int max_town_share_percent = 50;
  std::vector<UnitDraw> units;  // in plan order
  int Houses() const;           // picked in all units
};

// Draws the sample. Pure and reproducible: depends only on the arguments,
// not on the register's row order or the platform. REQUIRES: `opts` valid.
Draw DrawSample(const workflow::SamplingPlan& plan, const Register& reg, const DrawOptions& opts);

// The rank key of `house_id` in the unit keyed `unit_key` (UnitDraw::key()):
// lowercase hex SHA-256 of "<seed>|<unit_key>|<house_id>".
std::string RankKey(uint64_t seed, std::string_view unit_key, std::string_view house_id);

// The draw as it goes into the audit log and is published: algorithm, seed
// (a decimal string, since JSON numbers above 2^53 lose digits in many
// readers), register SHA-256, share, and per unit its counts, notes and the
// picked house ids in pick order. docs/sampling.md shows an example.
nlohmann::json DrawToJson(const Draw& draw);

// What a re-draw needs from a recorded draw: its seed and share, and the
// division code recorded for each unit given by id. InvalidArgument when the
// record is not a duban-sample-v1 draw.
Result<DrawOptions> RecordedOptions(const nlohmann::json& recorded);

// The differences between a recorded draw and a re-draw (both DrawToJson
// forms), one readable line each, Chinese first: "620102 兰州市城关区:
// 记录中有H-17，重抽中没有 (H-17 is in the record, not in the re-draw)".
// Empty when they are identical. Never throws, whatever `recorded` holds.
std::vector<std::string> DiffDrawJson(const nlohmann::json& recorded,
                                      const nlohmann::json& redrawn);

}  // namespace duban::sampling
