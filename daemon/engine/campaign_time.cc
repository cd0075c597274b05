#include "engine/campaign_time.h"

#include <fmt/format.h>


#include "schedule/schedule.h"

namespace duban::engine {

struct CampaignTime::Impl {
  schedule::Zone zone;
  const schedule::Calendar* calendar = nullptr;

  schedule::Context Ctx() const {
    schedule::Context ctx;
    ctx.zone = zone;
    ctx.calendar = calendar;
    return ctx;
  }
};

CampaignTime::CampaignTime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CampaignTime::~CampaignTime() = default;

Result<std::unique_ptr<CampaignTime>> CampaignTime::Create(const workflow::WorkflowSpec& spec,
                                                           const schedule::Calendar* calendar) {
  auto impl = std::make_unique<Impl>();
  impl->zone = spec.timezone;  // rules and offsets arrive parsed in the spec
  impl->calendar = calendar;
  return std::unique_ptr<CampaignTime>(new CampaignTime(std::move(impl)));
}

std::optional<SystemTime> CampaignTime::NextOccurrence(const workflow::Obligation& ob,
                                                       SystemTime t) const {
  return NextOf(ob.schedule, ob.window, ob.day_off_policy, t);
}

std::optional<SystemTime> CampaignTime::NextOf(const workflow::TimeRule& rule,
                                               const workflow::Window& window,
                                               workflow::DayOffPolicy policy, SystemTime t) const {
  schedule::Context ctx = impl_->Ctx();
  ctx.policy = policy;
  if (window.ranges.empty()) return schedule::NextAfter(rule.rule, t, ctx);
  // Ranges are disjoint and in date order: the first hit is the earliest.
  for (const auto& r : window.ranges) {
    ctx.window = schedule::LocalDaysWindow(impl_->zone, r.first, r.last);
    if (auto next = schedule::NextAfter(rule.rule, t, ctx)) return next;
  }
  return std::nullopt;
}

std::optional<SystemTime> CampaignTime::OccurrenceOn(const workflow::Obligation& ob,
                                                     const std::string& date) const {
  auto d = workflow::ParseDate(date);
  if (!d) return std::nullopt;
  if (!ob.window.ranges.empty() && !ob.window.Contains(*d)) return std::nullopt;
  schedule::Context ctx = impl_->Ctx();
  ctx.policy = ob.day_off_policy;
  return schedule::OccurrenceOn(ob.schedule.rule, *d, ctx);
}

SystemTime CampaignTime::Apply(const workflow::TimeOffset& offset, SystemTime base) const {
  return schedule::Apply(offset.offset, base, impl_->Ctx());
}

std::optional<SystemTime> CampaignTime::NextMilestone(const workflow::Milestone& m,
                                                      SystemTime t) const {
  schedule::Context ctx = impl_->Ctx();
  ctx.policy = m.day_off_policy;
  return schedule::NextAfter(m.due.rule, t, ctx);
}

std::optional<SystemTime> CampaignTime::EndOfDay(const std::string& date) const {
  auto d = workflow::ParseDate(date);
  if (!d) return std::nullopt;
  return impl_->zone.ToInstant(*d, std::chrono::hours(24) - Millis(1));
}

int CampaignTime::WorkingDaysUntil(SystemTime from, SystemTime to) const {
  const auto a = std::chrono::sys_days(impl_->zone.LocalDate(from));
  const auto b = std::chrono::sys_days(impl_->zone.LocalDate(to));
  int n = 0;
  for (auto d = a; d <= b; d += std::chrono::days(1)) {
    const schedule::Date day{d};
    const bool working = impl_->calendar != nullptr
                             ? impl_->calendar->IsWorkingDay(day)
                             : std::chrono::weekday(d).iso_encoding() <= 5;
    if (working) ++n;
  }
  return n;
}

SystemTime CampaignTime::NextAt(SystemTime t, int minute_of_day) const {
  return impl_->zone.NextLocalTime(t - Millis(1), std::chrono::minutes(minute_of_day));
}

std::string CampaignTime::LocalDate(SystemTime t) const {
  return schedule::FormatDate(impl_->zone.LocalDate(t));
}

std::string CampaignTime::Describe(SystemTime t) const {
  const schedule::LocalDateTime l = impl_->zone.ToLocal(t);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(l.time_of_day).count();
  return fmt::format("{}月{}日（{}）{:02}:{:02}", static_cast<unsigned>(l.date.month()),
                     static_cast<unsigned>(l.date.day()), schedule::WeekdayZh(l.date),
                     minutes / 60, minutes % 60);
}

}  // namespace duban::engine
