// Laggard ranking (落后单位): which owing units are furthest behind, and
// why, from their report and item records over a period. Pure; any thread.
// The weights are documented in docs/escalation.md; keep the two in step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.h"

namespace duban::engine {

struct LaggardScore {
  std::string unit;
  int64_t missing_reports = 0;  // reports due in the period and never made
  int64_t late_reports = 0;     // reports made after their deadline
  int64_t overdue_items = 0;    // cases, transfers ... open past their SLA now
  int64_t score = 0;
};

// score = 3 × missing reports + 2 × overdue items + 1 × late reports.
// A missing report weighs most: nobody knows what is happening there. An
// overdue case is a hazard still standing. A late report was at least made.
int64_t LaggardPoints(int64_t missing_reports, int64_t overdue_items, int64_t late_reports);

// Merges `reports` (obligation items) and `items` (item kinds) per unit and
// returns units with a positive score, highest first (ties by unit id, so
// the order is the same on every machine), at most `limit` (0 = all).
std::vector<LaggardScore> RankLaggards(const std::vector<store::OwnerStats>& reports,
                                       const std::vector<store::OwnerStats>& items, int limit);

}  // namespace duban::engine
