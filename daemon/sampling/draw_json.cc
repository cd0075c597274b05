// A draw as JSON (the audit log's and the published form), reading back what
// a re-draw needs, and comparing a recorded draw with a re-draw. The recorded
// side comes from a file people can edit, so nothing here assumes its shape
// and nothing throws.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "sampling/sampling.h"

namespace duban::sampling {
namespace {

using nlohmann::json;

// `value` as one line of JSON text; invalid UTF-8 is replaced, not thrown.
std::string Show(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

const json* Field(const json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringField(const json& object, const std::string& key) {
  const json* v = Field(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// "code:620102" or "unit:jf-shangcun": how the two sides' units are matched.
std::string Identity(const json& unit) {
  const std::string code = StringField(unit, "code");
  return code.empty() ? "unit:" + StringField(unit, "unit") : "code:" + code;
}

std::string Label(const json& unit) {
  std::string label = StringField(unit, "code");
  if (label.empty()) label = StringField(unit, "unit");
  const std::string name = StringField(unit, "name");
  if (!name.empty()) label += (label.empty() ? "" : " ") + name;
  return label.empty() ? std::string("(?)") : label;
}

// One line per key, other than those in `skip`, whose values differ.
void DiffFields(const json& a, const json& b, const std::string& prefix,
                const std::set<std::string>& skip, std::vector<std::string>& out) {
  std::set<std::string> keys;
  for (const json* side : {&a, &b}) {
    if (!side->is_object()) continue;
    for (const auto& item : side->items()) keys.insert(item.key());
  }
  const std::string none = "（无）";
  for (const std::string& key : keys) {
    if (skip.count(key) > 0) continue;
    const json* x = Field(a, key);
    const json* y = Field(b, key);
    if (x != nullptr && y != nullptr && *x == *y) continue;
    const std::string xs = x != nullptr ? Show(*x) : none;
    const std::string ys = y != nullptr ? Show(*y) : none;
    out.push_back(fmt::format("{}{}: 记录为{}，重抽为{} (recorded {}, re-drawn {})", prefix, key,
                              xs, ys, xs, ys));
  }
}

std::vector<std::string> Picked(const json& unit) {
  std::vector<std::string> ids;
  const json* picked = Field(unit, "picked");
  if (picked == nullptr || !picked->is_array()) return ids;
  for (const json& id : *picked) ids.push_back(id.is_string() ? id.get<std::string>() : Show(id));
  return ids;
}

void DiffUnit(const json& a, const json& b, std::vector<std::string>& out) {
  const std::string label = Label(a);
  DiffFields(a, b, label + ": ", {"picked"}, out);
  const std::vector<std::string> pa = Picked(a), pb = Picked(b);
  const std::set<std::string> sa(pa.begin(), pa.end()), sb(pb.begin(), pb.end());
  for (const std::string& id : pa) {
    if (sb.count(id) == 0) {
      out.push_back(
          fmt::format("{}: 记录中有{}，重抽中没有 ({} is in the record, not in the "
                      "re-draw)",
                      label, id, id));
    }
  }
  for (const std::string& id : pb) {
    if (sa.count(id) == 0) {
      out.push_back(
          fmt::format("{}: 重抽中有{}，记录中没有 ({} is in the re-draw, not in the "
                      "record)",
                      label, id, id));
    }
  }
  if (sa == sb && pa != pb) {
    out.push_back(fmt::format("{}: 抽取顺序不同 (the houses were picked in another order)", label));
  }
}

std::vector<const json*> Units(const json& draw) {
  std::vector<const json*> units;
  const json* list = Field(draw, "units");
  if (list == nullptr || !list->is_array()) return units;
  for (const json& u : *list) units.push_back(&u);
  return units;
}

}  // namespace

json DrawToJson(const Draw& draw) {
  json units = json::array();
  for (const UnitDraw& u : draw.units) {
    json j = json::object();
    if (!u.code.empty()) j["code"] = u.code;
    if (!u.unit.empty()) j["unit"] = u.unit;
    j["name"] = u.name;
    j["prefix"] = u.prefix;
    j["group"] = u.group;
    j["agency"] = u.agency;
    j["agency_name"] = u.agency_name;
    j["quota"] = u.quota;
    j["min_commercial"] = u.min_commercial;
    j["town_cap"] = u.town_cap;
    j["candidates"] = u.candidates;
    j["commercial_candidates"] = u.commercial_candidates;
    j["commercial_picked"] = u.commercial_picked;
    json picked = json::array();
    for (const RegisterHouse& h : u.picked) picked.push_back(h.id);
    j["picked"] = std::move(picked);
    j["notes"] = u.notes;
    units.push_back(std::move(j));
  }
  return json{{"algorithm", draw.algorithm},
              {"seed", std::to_string(draw.seed)},
              {"register_sha256", draw.register_sha256},
              {"max_town_share_percent", draw.max_town_share_percent},
              {"houses", draw.Houses()},
              {"units", std::move(units)}};
}

Result<DrawOptions> RecordedOptions(const json& recorded) {
  const std::string algorithm = StringField(recorded, "algorithm");
  if (algorithm != kAlgorithm) {
    return Status::InvalidArgument(
        fmt::format("记录的抽取算法 '{}' 不是 {} (the recorded algorithm '{}' is not {})",
                    algorithm, kAlgorithm, algorithm, kAlgorithm));
  }
  DrawOptions opts;
  const json* seed = Field(recorded, "seed");
  std::optional<uint64_t> parsed;
  if (seed != nullptr && seed->is_string()) parsed = ParseSeed(seed->get<std::string>());
  if (seed != nullptr && seed->is_number_unsigned()) parsed = seed->get<uint64_t>();
  if (!parsed) {
    return Status::InvalidArgument("记录中没有有效的种子 (the record has no valid seed)");
  }
  opts.seed = *parsed;
  const json* share = Field(recorded, "max_town_share_percent");
  if (share == nullptr || !share->is_number_integer() || share->get<int64_t>() < 1 ||
      share->get<int64_t>() > 100) {
    return Status::InvalidArgument(
        "记录中的乡镇占比不是1到100的整数 (max_town_share_percent is not a whole number from 1 "
        "to 100)");
  }
  opts.max_town_share_percent = share->get<int>();
  for (const json* u : Units(recorded)) {
    const std::string unit = StringField(*u, "unit");
    const std::string prefix = StringField(*u, "prefix");
    if (!unit.empty() && !prefix.empty()) opts.unit_codes[unit] = prefix;
  }
  return opts;
}

std::vector<std::string> DiffDrawJson(const json& recorded, const json& redrawn) {
  std::vector<std::string> out;
  if (!recorded.is_object() || !redrawn.is_object()) {
    out.push_back("记录不是一次抽取 (the record is not a draw)");
    return out;
  }
  DiffFields(recorded, redrawn, "", {"units"}, out);
  const std::vector<const json*> ua = Units(recorded), ub = Units(redrawn);
  std::map<std::string, const json*> by_id;
  std::vector<std::string> order_a, order_b;
  for (const json* u : ub) {
    by_id.emplace(Identity(*u), u);
    order_b.push_back(Identity(*u));
  }
  std::set<std::string> in_a;
  for (const json* u : ua) {
    const std::string id = Identity(*u);
    order_a.push_back(id);
    if (!in_a.insert(id).second) continue;  // a repeated unit: compared once
    const auto it = by_id.find(id);
    if (it == by_id.end()) {
      out.push_back(
          fmt::format("{}: 记录中有此抽查单位，重抽中没有 (the unit is in the record, not "
                      "in the re-draw)",
                      Label(*u)));
    } else {
      DiffUnit(*u, *it->second, out);
    }
  }
  for (const json* u : ub) {
    if (in_a.count(Identity(*u)) == 0) {
      out.push_back(
          fmt::format("{}: 重抽中有此抽查单位，记录中没有 (the unit is in the re-draw, not "
                      "in the record)",
                      Label(*u)));
    }
  }
  if (order_a != order_b && std::set<std::string>(order_a.begin(), order_a.end()) ==
                                std::set<std::string>(order_b.begin(), order_b.end())) {
    out.push_back("抽查单位的顺序不同 (the units are in another order)");
  }
  return out;
}

}  // namespace duban::sampling
