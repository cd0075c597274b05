#include "engine/laggards.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace duban::engine {

int64_t OverduePoints(store::OverdueAge age, const std::string& severity) {
  const int64_t age_factor = static_cast<int64_t>(age) + 1;
  const int64_t severity_factor = severity == "critical" ? 2 : 1;
  return 2 * age_factor * severity_factor;
}

int64_t LaggardPoints(int64_t missing_reports, int64_t late_reports, int64_t overdue_points) {
  return 3 * missing_reports + late_reports + overdue_points;
}

std::vector<LaggardScore> RankLaggards(const std::vector<store::OwnerStats>& reports,
                                       const std::vector<store::OverdueCount>& overdue,
                                       int limit) {
  std::map<std::string, LaggardScore> by_unit;
  for (const auto& r : reports) {
    LaggardScore& s = by_unit[r.owner];
    s.unit = r.owner;
    s.missing_reports += r.missing;
    s.late_reports += r.late;
  }
  for (const auto& o : overdue) {
    LaggardScore& s = by_unit[o.unit];
    s.unit = o.unit;
    (o.transfer ? s.stuck_transfers : s.overdue_items) += o.count;
    if (o.severity == "critical") s.critical_overdue += o.count;
    if (o.age == store::OverdueAge::kMonthOrMore) s.long_overdue += o.count;
    s.overdue_points += o.count * OverduePoints(o.age, o.severity);
  }
  std::vector<LaggardScore> out;
  for (auto& [unit, s] : by_unit) {
    s.score = LaggardPoints(s.missing_reports, s.late_reports, s.overdue_points);
    if (s.score > 0) out.push_back(s);
  }
  std::stable_sort(out.begin(), out.end(), [](const LaggardScore& a, const LaggardScore& b) {
    return a.score > b.score;  // map order already sorted ties by unit id
  });
  if (limit > 0 && static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

std::string LaggardWhy(const LaggardScore& s) {
  std::string why;
  auto add = [&](std::string part) {
    if (!why.empty()) why += "、";
    why += part;
  };
  if (s.missing_reports) add(fmt::format("缺报{}次", s.missing_reports));
  if (s.late_reports) add(fmt::format("迟报{}次", s.late_reports));
  if (s.overdue_items) add(fmt::format("逾期{}项", s.overdue_items));
  if (s.stuck_transfers) add(fmt::format("移送逾期未办{}件", s.stuck_transfers));
  std::string of;
  if (s.critical_overdue) of += fmt::format("重大隐患{}项", s.critical_overdue);
  if (s.long_overdue) of += fmt::format("{}超30天{}项", of.empty() ? "" : "、", s.long_overdue);
  if (!of.empty()) why += fmt::format("，其中{}", of);
  return why;
}

}  // namespace duban::engine
