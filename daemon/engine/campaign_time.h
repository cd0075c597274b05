// CampaignTime: the time questions the engine asks about one campaign,
// answered by schedule/ in the campaign's zone and calendar. Internal to
// engine/.
//
// Immutable after construction; any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "workflow/spec.h"

namespace duban::schedule {
class Calendar;
}

namespace duban::engine {

class CampaignTime {
 public:
  // Never fails today (the loader parsed every rule and zone); kept a
  // Result so a future backend that loads per-campaign data can.
  static Result<std::unique_ptr<CampaignTime>> Create(const workflow::WorkflowSpec& spec,
                                                      const schedule::Calendar* calendar);
  ~CampaignTime();

  // The first occurrence of `ob`'s schedule strictly after `t` that falls in
  // its window (after its day-off policy); nullopt when the window is over.
  std::optional<SystemTime> NextOccurrence(const workflow::Obligation& ob, SystemTime t) const;
  // The first occurrence of `rule` strictly after `t` inside `window`, after
  // `policy` (NextOccurrence for anything scheduled like an obligation).
  std::optional<SystemTime> NextOf(const workflow::TimeRule& rule, const workflow::Window& window,
                                   workflow::DayOffPolicy policy, SystemTime t) const;
  // The occurrence of `ob` whose local date is `date` ("2024-04-12").
  std::optional<SystemTime> OccurrenceOn(const workflow::Obligation& ob,
                                         const std::string& date) const;
  // `base` moved by a ladder offset ("-1d 16:00", "+3 working days").
  SystemTime Apply(const workflow::TimeOffset& offset, SystemTime base) const;
  // The next due time of a milestone strictly after `t`; nullopt when past.
  std::optional<SystemTime> NextMilestone(const workflow::Milestone& m, SystemTime t) const;
  // 23:59:59.999 local on `date` ("2024-06-30"): a "due by this date"
  // deadline. nullopt when `date` is not a valid date.
  std::optional<SystemTime> EndOfDay(const std::string& date) const;
  // Working days from `from`'s local date through `to`'s, both included
  // when working days (0 when `to`'s day is before `from`'s): "还有3个工作日"
  // said on the morning of the first of them.
  int WorkingDaysUntil(SystemTime from, SystemTime to) const;
  // The first instant at or after `t` whose local time is `minute_of_day`.
  SystemTime NextAt(SystemTime t, int minute_of_day) const;
  // The local calendar date: "2024-04-12".
  std::string LocalDate(SystemTime t) const;
  // For messages: "4月12日（周五）12:00".
  std::string Describe(SystemTime t) const;

 private:
  struct Impl;
  explicit CampaignTime(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace duban::engine
