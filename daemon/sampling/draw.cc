// DrawSample: algorithm duban-sample-v1 (docs/sampling.md is the
// specification; change neither without the other, and never change what a
// published algorithm name draws: add "duban-sample-v2" instead).
//
// Reproducibility rules this file keeps: the order comes only from SHA-256 of
// text anyone can write down, ties are broken by house id, and nothing
// iterates an unordered container or uses std::shuffle, distributions or
// std::random_device, whose results differ between standard libraries.
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <set>

#include "base/crypto.h"
#include "sampling/sampling.h"

namespace duban::sampling {
namespace {

struct Candidate {
  const RegisterHouse* house = nullptr;
  std::string key;  // RankKey
};

bool IsDivisionCode(std::string_view code) {
  return code.size() >= 2 && code.size() <= 12 &&
         code.find_first_not_of("0123456789") == std::string_view::npos;
}

// The picks of one unit so far, shared by both passes: the town cap counts
// commercial and other houses alike.
class Picker {
 public:
  Picker(int cap, UnitDraw& out) : cap_(cap), out_(out) {}

  // Walks `pool` in rank order, taking houses not yet taken until the unit
  // has `target` picks. With `capped`, a house whose town already has `cap`
  // picks is passed over; without, taking it is recorded as exceeding the
  // share (it can only be at the cap here, or the capped walk that came
  // first would have taken it).
  void Walk(const std::vector<const Candidate*>& pool, bool capped, size_t target) {
    for (const Candidate* c : pool) {
      if (out_.picked.size() >= target) return;
      if (taken_.count(c->house) > 0) continue;
      int& in_town = town_picks_[c->house->town];
      if (in_town >= cap_) {
        if (capped) continue;
        if (std::find(exceeded_.begin(), exceeded_.end(), c->house->town) == exceeded_.end()) {
          exceeded_.push_back(c->house->town);
        }
      }
      ++in_town;
      taken_.insert(c->house);
      out_.picked.push_back(*c->house);
      if (c->house->commercial) ++out_.commercial_picked;
    }
  }

  // Towns that got more than the cap, in the order they first exceeded it.
  const std::vector<std::string>& exceeded() const { return exceeded_; }

 private:
  const int cap_;
  UnitDraw& out_;
  std::map<std::string, int> town_picks_;
  std::set<const RegisterHouse*> taken_;
  std::vector<std::string> exceeded_;
};

// Draws one unit. `drawn` holds the ids earlier units picked; this unit's
// picks are added to it.
void DrawUnit(const Register& reg, uint64_t seed, int share, UnitDraw& u,
              std::set<std::string>& drawn) {
  if (u.prefix.empty()) return;
  std::vector<Candidate> candidates;
  int already_drawn = 0;
  for (const RegisterHouse& h : reg.houses) {
    if (!IsHazard(h) || h.division_code.compare(0, u.prefix.size(), u.prefix) != 0) continue;
    if (drawn.count(h.id) > 0) {
      ++already_drawn;
      continue;
    }
    candidates.push_back(Candidate{&h, RankKey(seed, u.key(), h.id)});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.key != b.key ? a.key < b.key : a.house->id < b.house->id;
  });
  std::vector<const Candidate*> all, commercial;
  for (const Candidate& c : candidates) {
    all.push_back(&c);
    if (c.house->commercial) commercial.push_back(&c);
  }
  u.candidates = static_cast<int>(all.size());
  u.commercial_candidates = static_cast<int>(commercial.size());

  Picker picker(u.town_cap, u);
  const auto quota = static_cast<size_t>(u.quota);
  const size_t min_commercial = std::min(static_cast<size_t>(u.min_commercial), commercial.size());
  picker.Walk(commercial, /*capped=*/true, min_commercial);
  picker.Walk(commercial, /*capped=*/false, min_commercial);
  picker.Walk(all, /*capped=*/true, quota);
  picker.Walk(all, /*capped=*/false, quota);
  for (const RegisterHouse& h : u.picked) drawn.insert(h.id);

  if (already_drawn > 0) {
    u.notes.push_back(
        fmt::format("另有{}栋隐患房屋已由前面的抽查单位抽中，不再重复抽取", already_drawn));
  }
  if (u.commercial_candidates < u.min_commercial) {
    u.notes.push_back(fmt::format("经营性隐患房屋仅{}栋，不足{}栋，其余从非经营性隐患房屋中补足",
                                  u.commercial_candidates, u.min_commercial));
  }
  if (u.candidates < u.quota) {
    u.notes.push_back(fmt::format("隐患房屋仅{}栋，不足{}栋，已全部抽取", u.candidates, u.quota));
  }
  for (const std::string& town : picker.exceeded()) {
    u.notes.push_back(fmt::format("乡镇（街道）分布受限：{}超过{}%", town, share));
  }
}

}  // namespace

std::string DivisionPrefix(std::string_view code) {
  // Where the levels of a 12-digit code end: province, prefecture, county,
  // town, village.
  static constexpr size_t kEnds[] = {2, 4, 6, 9, 12};
  std::string prefix(code);
  for (size_t i = std::size(kEnds) - 1; i > 0; --i) {
    if (prefix.size() != kEnds[i]) continue;
    if (prefix.find_first_not_of('0', kEnds[i - 1]) != std::string::npos) break;
    prefix.resize(kEnds[i - 1]);
  }
  return prefix;
}

std::optional<uint64_t> ParseSeed(std::string_view text) {
  uint64_t value = 0;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string RankKey(uint64_t seed, std::string_view unit_key, std::string_view house_id) {
  return crypto::Sha256Hex(fmt::format("{}|{}|{}", seed, unit_key, house_id));
}

int Draw::Houses() const {
  int n = 0;
  for (const UnitDraw& u : units) n += static_cast<int>(u.picked.size());
  return n;
}

Draw DrawSample(const workflow::SamplingPlan& plan, const Register& reg, const DrawOptions& opts) {
  assert(opts.max_town_share_percent >= 1 && opts.max_town_share_percent <= 100);
  Draw draw;
  draw.seed = opts.seed;
  draw.register_sha256 = reg.sha256;
  draw.max_town_share_percent = std::clamp(opts.max_town_share_percent, 1, 100);
  std::set<std::string> drawn;  // ids picked by earlier units
  for (const workflow::SampleGroup& g : plan.groups) {
    for (const workflow::SampleUnit& su : g.units) {
      UnitDraw u;
      u.code = su.code;
      u.unit = su.unit;
      u.name = su.name;
      u.group = g.id;
      u.agency = g.agency;
      u.agency_name = g.agency_name;
      u.quota = su.houses;
      u.min_commercial = su.min_commercial;
      const int64_t cap = (int64_t{draw.max_town_share_percent} * su.houses + 99) / 100;  // ceil
      u.town_cap = static_cast<int>(std::max<int64_t>(1, cap));
      std::string code = su.code;
      if (code.empty()) {
        const auto it = opts.unit_codes.find(su.unit);
        if (it == opts.unit_codes.end() || it->second.empty()) {
          u.notes.push_back(fmt::format("单位 '{}' 没有区划代码，未抽取", su.unit));
        } else if (!IsDivisionCode(it->second)) {
          u.notes.push_back(
              fmt::format("单位 '{}' 的区划代码 '{}' 无效，未抽取", su.unit, it->second));
        } else {
          code = it->second;
        }
      }
      if (!code.empty()) u.prefix = DivisionPrefix(code);
      DrawUnit(reg, draw.seed, draw.max_town_share_percent, u, drawn);
      draw.units.push_back(std::move(u));
    }
  }
  return draw;
}

}  // namespace duban::sampling
