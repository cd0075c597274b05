// How an import is reported: rejections as the user will look them up in
// the spreadsheet (row and column letter), diagnostics for `duban check`,
// and the summary lines the CLI prints.
#include <set>

#include <fmt/format.h>

#include "importer/importer.h"
#include "importer/sheet.h"

namespace duban::importer {

std::string Rejection::ToString(std::string_view file) const {
  if (row <= 0) return fmt::format("{}: {}", file, reason);
  if (column <= 0) return fmt::format("{} 第{}行: {}", file, row, reason);
  return fmt::format("{} 第{}行 {}列({}): {}", file, row, ColumnLetter(column), column_name,
                     reason);
}

int ParsedFile::RejectedRows() const {
  std::set<int> rows;
  for (const Rejection& r : rejections) {
    if (r.row >= 2) rows.insert(r.row);
  }
  return static_cast<int>(rows.size());
}

bool ParsedFile::FileRejected() const {
  for (const Rejection& r : rejections) {
    if (r.row <= 1) return true;
  }
  return false;
}

Diagnostics ParsedFile::ToDiagnostics() const {
  Diagnostics out;
  for (const Rejection& r : rejections) {
    Diagnostic d;
    d.file = file;
    d.line = r.row;
    d.column = r.column;
    d.path = r.column_name;
    d.message = r.reason;
    out.Add(std::move(d));
  }
  return out;
}

std::map<std::string, model::Level> UnitLevels(const std::vector<model::Unit>& units) {
  std::map<std::string, model::Level> out;
  for (const model::Unit& u : units) out[u.id] = u.level;
  return out;
}

DiffSummary Summarize(const ImportDiff& diff, const ParsedFile& file) {
  DiffSummary s = diff.summary;
  s.rejected = file.RejectedRows();
  return s;
}

std::vector<std::string> RenderReport(const ParsedFile& file, const ImportDiff& diff) {
  const DiffSummary s = Summarize(diff, file);
  std::vector<std::string> lines;
  lines.push_back(fmt::format(
      "{} [{}]: 新增 {}, 更新 {}, 未变 {}, 拒绝 {} (added {}, updated {}, unchanged {}, "
      "rejected {})",
      file.file, EncodingName(file.encoding), s.added, s.updated, s.unchanged, s.rejected,
      s.added, s.updated, s.unchanged, s.rejected));
  if (!file.ignored_columns.empty()) {
    lines.push_back(fmt::format("  忽略未知列 (ignored columns): {}",
                                fmt::join(file.ignored_columns, ", ")));
  }
  for (const DiffEntry& e : diff.entries) {
    if (e.change == Change::kAdded) lines.push_back(fmt::format("  新增 {}", e.id));
    if (e.change == Change::kUpdated) {
      lines.push_back(fmt::format("  更新 {}: {}", e.id, fmt::join(e.changed_fields, ", ")));
    }
  }
  for (const Rejection& r : file.rejections) lines.push_back("  " + r.ToString(file.file));
  return lines;
}

}  // namespace duban::importer
