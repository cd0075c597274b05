#include "engine/laggards.h"

#include <algorithm>
#include <map>

namespace duban::engine {

int64_t LaggardPoints(int64_t missing_reports, int64_t overdue_items, int64_t late_reports) {
  return 3 * missing_reports + 2 * overdue_items + late_reports;
}

std::vector<LaggardScore> RankLaggards(const std::vector<store::OwnerStats>& reports,
                                       const std::vector<store::OwnerStats>& items, int limit) {
  std::map<std::string, LaggardScore> by_unit;
  for (const auto& r : reports) {
    LaggardScore& s = by_unit[r.owner];
    s.unit = r.owner;
    s.missing_reports += r.missing;
    s.late_reports += r.late;
  }
  for (const auto& i : items) {
    LaggardScore& s = by_unit[i.owner];
    s.unit = i.owner;
    s.overdue_items += i.overdue;
  }
  std::vector<LaggardScore> out;
  for (auto& [unit, s] : by_unit) {
    s.score = LaggardPoints(s.missing_reports, s.overdue_items, s.late_reports);
    if (s.score > 0) out.push_back(s);
  }
  std::stable_sort(out.begin(), out.end(), [](const LaggardScore& a, const LaggardScore& b) {
    return a.score > b.score;  // map order already sorted ties by unit id
  });
  if (limit > 0 && static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

}  // namespace duban::engine
