// Laggard ranking (落后单位): which units are furthest behind, and why, from
// their report records over a period and what is overdue with them now.
// Pure; any thread. The weights are documented in docs/escalation.md; keep
// the two in step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.h"

namespace duban::engine {

struct LaggardScore {
  std::string unit;
  int64_t missing_reports = 0;   // reports due in the period and never made
  int64_t late_reports = 0;      // reports made after their deadline
  int64_t overdue_items = 0;     // its own cases, findings ... open past their SLA now
  int64_t stuck_transfers = 0;   // transfers sent to it (a department) and overdue now
  int64_t critical_overdue = 0;  // of the two above, critical (collapse risk, level D)
  int64_t long_overdue = 0;      // of the two above, overdue 30 days or more
  int64_t overdue_points = 0;    // the weighted points of the two above
  int64_t score = 0;
};

// Points of one overdue item: 2 × age (1 under 7 days overdue, 2 under 30,
// 3 from 30 on) × severity (2 when critical, else 1). A hazard house left
// standing for a month weighs three times one a few days late; a collapse
// risk twice an ordinary one.
int64_t OverduePoints(store::OverdueAge age, const std::string& severity);

// score = 3 × missing reports + 1 × late reports + the points of every
// overdue item and stuck transfer. A missing report weighs most among
// reports: nobody knows what is happening there. A late one was at least made.
int64_t LaggardPoints(int64_t missing_reports, int64_t late_reports, int64_t overdue_points);

// Merges `reports` (obligation items over the period, per owner) and
// `overdue` (overdue items now, per unit they are stuck with) and returns
// units with a positive score, highest first (ties by unit id, so the order
// is the same on every machine), at most `limit` (0 = all).
std::vector<LaggardScore> RankLaggards(const std::vector<store::OwnerStats>& reports,
                                       const std::vector<store::OverdueCount>& overdue, int limit);

// Why a unit ranks where it does, for people: "缺报2次、逾期3项，其中超30天1项".
std::string LaggardWhy(const LaggardScore& s);

}  // namespace duban::engine
