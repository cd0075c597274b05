// The attachment table's pure core: report items in, rows and totals out.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "tables/tables.h"
#include "workflow/spec.h"

namespace duban::tables {
namespace {

// "·" (U+00B7) as the campaign files write it between group and column.
constexpr std::string_view kGroupSeparator = "\xC2\xB7";

struct Figures {
  std::vector<std::optional<int64_t>> values;
};

Figures Parse(const std::string& data, const std::vector<Column>& columns) {
  Figures f;
  f.values.resize(columns.size());
  const nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return f;
  for (size_t i = 0; i < columns.size(); ++i) {
    auto it = j.find(columns[i].field);
    if (it != j.end() && it->is_number_integer()) f.values[i] = it->get<int64_t>();
  }
  return f;
}

// Submit stores "late" with the report (it knows due_inclusive); older rows
// without it are judged by their times.
bool IsLate(const Report& r) {
  const nlohmann::json j = nlohmann::json::parse(r.data, nullptr, false);
  if (j.is_object()) {
    auto it = j.find("late");
    if (it != j.end() && it->is_boolean()) return it->get<bool>();
  }
  return r.due_at && r.resolved_at && *r.resolved_at >= *r.due_at;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "、") + n;
  return out;
}

// "2024-04-05" → "04-05".
std::string MonthDay(const std::string& period) {
  return period.size() == 10 ? period.substr(5) : period;
}

}  // namespace

ReportState ReportStateOf(const Report& report, SystemTime now) {
  if (report.resolved_at) return IsLate(report) ? ReportState::kLate : ReportState::kOnTime;
  return !report.due_at || now >= *report.due_at ? ReportState::kMissing : ReportState::kPending;
}

std::string StepLabel(const workflow::WorkflowSpec& spec, const std::string& step) {
  std::vector<std::string> parts;
  for (size_t from = 0;;) {
    const size_t slash = step.find('/', from);
    parts.push_back(step.substr(from, slash - from));
    if (slash == std::string::npos) break;
    from = slash + 1;
  }
  if (parts.size() < 3 || parts[0] != "l") return step;  // not a ladder step
  const workflow::Ladder* ladder = spec.FindLadder(parts[1]);
  if (ladder == nullptr) return parts[2];
  for (const auto& st : ladder->steps) {
    if (st.name != parts[2]) continue;
    using L = workflow::EscalationLevel;
    const char* level = st.level == L::kCircular      ? "通报"
                        : st.level == L::kSupervision ? "督办"
                        : st.level == L::kTalk        ? "约谈"
                                                      : "提醒";
    return fmt::format("{} · {}", ladder->title.empty() ? ladder->id : ladder->title, level);
  }
  return parts[2];
}

std::vector<Column> ColumnsOf(const workflow::Obligation& obligation) {
  std::vector<Column> out;
  for (const auto& f : obligation.fields.fields) {
    if (f.type != workflow::FieldType::kInt) continue;
    Column c;
    c.field = f.name;
    const size_t dot = f.label.find(kGroupSeparator);
    if (dot == std::string::npos) {
      c.name = f.label;
    } else {
      c.group = f.label.substr(0, dot);
      c.name = f.label.substr(dot + kGroupSeparator.size());
    }
    out.push_back(std::move(c));
  }
  return out;
}

const char* ReportStateLabel(ReportState state) {
  switch (state) {
    case ReportState::kOnTime: return "按时";
    case ReportState::kLate: return "迟报";
    case ReportState::kMissing: return "未报";
    case ReportState::kPending: return "待报";
  }
  return "";
}

Table ComputeAttachmentTable(const AttachmentInput& in) {
  Table t;
  t.title = in.title;
  t.columns = in.columns;
  const bool weekly = in.view == View::kWeekly;
  t.sheet_name = weekly ? "本周新增" : "累计";

  // Per village: this week's report, and (weekly view) its latest submitted
  // report before this week. The newest period before this week among all
  // reports is "last week", to tell which villages skipped it.
  std::map<std::string, const Report*> current, previous;
  std::string last_week;
  // A village with no item for the week is missing once the week's due time
  // (any village's) has passed.
  std::optional<SystemTime> week_due;
  for (const Report& r : in.reports) {
    if (r.period == in.period) {
      current[r.unit_id] = &r;
      if (r.due_at && (!week_due || *r.due_at < *week_due)) week_due = r.due_at;
    } else if (r.period < in.period) {
      if (r.period > last_week) last_week = r.period;
      if (!r.resolved_at) continue;
      const Report*& p = previous[r.unit_id];
      if (p == nullptr || r.period > p->period) p = &r;
    }
  }

  t.total.name = "总计(栋)";
  t.total.cells.assign(in.columns.size(), std::nullopt);
  std::vector<std::string> late, missing, pending, gaps;
  for (const Village& v : in.villages) {
    Row row;
    row.unit_id = v.unit_id;
    row.name = v.name;
    row.cells.assign(in.columns.size(), std::nullopt);
    auto it = current.find(v.unit_id);
    const Report* r = it == current.end() ? nullptr : it->second;
    if (r == nullptr || !r->resolved_at) {
      const std::optional<SystemTime> due_at = r != nullptr ? r->due_at : week_due;
      const bool due = !due_at || in.now >= *due_at;
      row.state = due ? ReportState::kMissing : ReportState::kPending;
      (due ? missing : pending).push_back(v.name);
      (due ? t.missing : t.pending)++;
    } else {
      const bool is_late = IsLate(*r);
      row.state = is_late ? ReportState::kLate : ReportState::kOnTime;
      if (is_late) late.push_back(v.name);
      (is_late ? t.late : t.on_time)++;
      Figures now = Parse(r->data, in.columns);
      Figures base;
      if (weekly) {
        auto p = previous.find(v.unit_id);
        if (p != previous.end()) {
          base = Parse(p->second->data, in.columns);
          if (p->second->period != last_week) {
            gaps.push_back(fmt::format("{}（{}）", v.name, MonthDay(p->second->period)));
          }
        } else if (!last_week.empty()) {
          gaps.push_back(fmt::format("{}（无）", v.name));
        }
      }
      for (size_t i = 0; i < in.columns.size(); ++i) {
        if (!now.values[i]) continue;
        int64_t value = *now.values[i];
        if (weekly && !base.values.empty() && base.values[i]) value -= *base.values[i];
        row.cells[i] = value;
        t.total.cells[i] = t.total.cells[i].value_or(0) + value;
      }
    }
    t.rows.push_back(std::move(row));
  }

  t.subtitle = fmt::format("填报单位：{}　周报截止日期：{}　口径：{}", in.unit_name, in.period,
                           weekly ? "本周新增" : "累计");
  std::string counts = fmt::format("按时上报 {} 个，迟报 {} 个，未报 {} 个", t.on_time, t.late,
                                   t.missing);
  if (t.pending > 0) counts += fmt::format("，待报（未到截止时间）{} 个", t.pending);
  t.notes.push_back(counts + "。");
  if (!late.empty()) t.notes.push_back("迟报：" + Join(late) + "。");
  if (!missing.empty() || !pending.empty()) {
    std::vector<std::string> absent = missing;
    absent.insert(absent.end(), pending.begin(), pending.end());
    t.notes.push_back(fmt::format("未报：{}。未报的村数字为空，不计入总计。", Join(absent)));
  }
  if (weekly) {
    t.notes.push_back(
        "本周新增 = 本次周报的累计数 − 该村上一次周报的累计数（首次上报按全部计）。");
    if (!gaps.empty()) {
      t.notes.push_back(fmt::format("上周（{}）未报的村按其上一次周报计算：{}。",
                                    MonthDay(last_week), Join(gaps)));
    }
  } else {
    t.notes.push_back(in.since.empty()
                          ? "数字为各村周报所报的累计数。"
                          : fmt::format("数字为各村周报所报的累计数（自{}起）。", in.since));
  }
  return t;
}

}  // namespace duban::tables
