// tables: the campaign's tables for people, and their CSV and XLSX files.
//
// The attachment table 集中摸排情况表 (R-A11, seed 000's 附件): one row per
// administrative village (行政村) with the figures its weekly report
// submitted, the 总计(栋) row, and each village's report status. The overdue
// list: items past their due time, one row each.
//
// ComputeAttachmentTable and the writers are pure functions of their input
// (the XLSX writers need a file, because libxlsxwriter 1.1.4 writes only
// files). BuildAttachmentTable reads the store: call it where the store may
// be used (the loop thread, or a CLI's own store). Everything else: any
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace duban::engine {
class Directory;
}
namespace duban::store {
class Store;
}
namespace duban::workflow {
struct Obligation;
struct WorkflowSpec;
}  // namespace duban::workflow

namespace duban::tables {

// One numeric column of a report form. The field's label "组·列" gives the
// group heading and the column heading: "错漏排专项核查·共核查房屋（栋）".
struct Column {
  std::string field;  // "mis_checked"
  std::string group;  // "错漏排专项核查"; "" when the label has no '·'
  std::string name;   // "共核查房屋（栋）"
};

// The int fields of `obligation`, in the order the campaign file lists them.
std::vector<Column> ColumnsOf(const workflow::Obligation& obligation);

// The figures are cumulative (as the villages submit them, "since 03-25"),
// or this week's increase: the report minus the village's previous report.
enum class View { kCumulative, kWeekly };

enum class ReportState { kOnTime, kLate, kMissing, kPending };
// 按时, 迟报, 未报, 待报 (not due yet).
const char* ReportStateLabel(ReportState state);

// A village of the table, in display order.
struct Village {
  std::string unit_id;
  std::string name;  // as shown: "嘉峰村" (or "嘉峰镇·嘉峰村" under a county)
};

// One report item (store::Item's fields that matter here).
struct Report {
  std::string unit_id;
  std::string period;  // the local due date, "2024-04-12"
  std::optional<SystemTime> due_at;
  std::optional<SystemTime> resolved_at;  // submitted
  std::string data = "{}";                // JSON: the submitted fields, "late"
};

// A report's status at `now`: 按时 or 迟报 once submitted (by the "late" flag
// Submit stores, which knows the obligation's due_inclusive), 未报 once its
// due time has passed, else 待报. The dashboard's grid and this table agree.
ReportState ReportStateOf(const Report& report, SystemTime now);

// A timer step "l/<ladder>/<step>/e<epoch>/r<n>" as people say it: the
// ladder's title and the step's level, "限期整改督办 · 督办".
std::string StepLabel(const workflow::WorkflowSpec& spec, const std::string& step);

struct Row {
  std::string unit_id;  // "" for the total row
  std::string name;     // "嘉峰村", "总计(栋)"
  std::vector<std::optional<int64_t>> cells;  // one per column; nullopt: empty
  std::optional<ReportState> state;           // nullopt for the total row
};

struct Table {
  std::string title;       // "嘉峰镇…行动集中摸排情况表"
  std::string subtitle;    // unit, week, view
  std::string sheet_name;  // "累计" / "本周新增" (XLSX sheet, ≤ 31 chars)
  std::string row_header = "行政村";
  std::string state_header = "上报情况";
  std::vector<Column> columns;
  std::vector<Row> rows;  // villages
  Row total;              // sums over the villages that reported
  int on_time = 0, late = 0, missing = 0, pending = 0;
  std::vector<std::string> notes;  // footer lines
};

struct AttachmentInput {
  std::string title;
  std::string unit_name;  // "嘉峰镇"
  std::string period;     // the week shown: its due date "2024-04-12"
  std::string since;      // when the cumulative figures start, "2024-03-25"
  std::vector<Column> columns;
  std::vector<Village> villages;
  // The villages' reports for `period`; for View::kWeekly also the earlier
  // ones (the previous submitted report is the baseline). Others ignored.
  std::vector<Report> reports;
  View view = View::kCumulative;
  SystemTime now;  // decides 未报 (due passed) from 待报
};

// One row per village in input order, then the total. A village without a
// submitted report for `period` has empty cells and is left out of the sums.
Table ComputeAttachmentTable(const AttachmentInput& in);

// What BuildAttachmentTable shows.
struct TableRequest {
  std::string unit;        // the villages under this unit; "" = scope.under or all
  std::string period;      // a due date "2024-04-12", or "latest"
  View view = View::kCumulative;
  std::string obligation;  // "" = weekly_report, else the first with int fields
};

// Reads the villages' report items (one ListItems query, paged) and computes
// the table. kNotFound for an unknown unit or obligation, or no such week;
// kInvalidArgument for a malformed period; store errors as they come.
// Reads about (villages × weeks shown) items, never the whole table.
Result<Table> BuildAttachmentTable(store::Store& store, const engine::Directory& dir,
                                   const workflow::WorkflowSpec& spec,
                                   const TableRequest& request, SystemTime now);

// One overdue item, filled by the caller (dashboard or CLI).
struct OverdueRow {
  std::string unit;        // owner (or the department it is stuck with), by name
  std::string kind_title;  // "隐患房屋"
  std::string key;         // "JF-03-004"
  std::string state;       // state label: "整治中"
  std::string due;         // local time: "2024-05-20 00:00"
  int64_t days_overdue = 0;
  std::string step;     // the ladder step reached: "督办"; "" when unknown
  std::string contact;  // "王五 13800000003"; "" when none
};

struct OverdueList {
  std::string title;     // "嘉峰镇…逾期事项清单"
  std::string subtitle;  // "截至 2024-05-27 09:00，共 3 项"
  std::vector<OverdueRow> rows;
};

// UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting. Text cells that start
// with = + - @ (or a tab or CR) get a leading ' so a spreadsheet does not run
// them as formulas; numbers are written as numbers. The table has two header
// lines (group, column), the villages, the total and the notes.
std::string ToCsv(const Table& table);
std::string ToCsv(const OverdueList& list);

// Writes an .xlsx file at `path` (overwriting it): one sheet per table, with
// the title, the merged two-row header, borders and numbers as numbers.
// kInvalidArgument for no sheets; kUnavailable when the file cannot be written.
Status WriteXlsx(const std::vector<Table>& sheets, const std::string& path);
Status WriteXlsx(const OverdueList& list, const std::string& path);

// The same as bytes, through a temporary file in `scratch_dir`, removed after.
Result<std::string> ToXlsx(const std::vector<Table>& sheets, const std::string& scratch_dir);
Result<std::string> ToXlsx(const OverdueList& list, const std::string& scratch_dir);

}  // namespace duban::tables
