// CSV for spreadsheets people open by double-click: Excel and WPS read
// UTF-8 only with a BOM, and run a cell starting with = + - @ as a formula
// (CSV injection), so text cells that could be read that way are defused.
#include <fmt/format.h>

#include "tables/tables.h"

namespace duban::tables {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes.
std::string Quote(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A text cell: defused (OWASP's list, with tab and CR), then quoted.
std::string Text(std::string_view s) {
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos) {
    return Quote("'" + std::string(s));
  }
  return Quote(s);
}

std::string Number(const std::optional<int64_t>& v) { return v ? fmt::format("{}", *v) : ""; }

void Line(std::string* out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) *out += ',';
    *out += fields[i];
  }
  *out += "\r\n";
}

void WriteRow(std::string* out, const Row& row) {
  std::vector<std::string> f{Text(row.name)};
  for (const auto& c : row.cells) f.push_back(Number(c));
  f.push_back(row.state ? Text(ReportStateLabel(*row.state)) : "");
  Line(out, f);
}

}  // namespace

std::string ToCsv(const Table& table) {
  std::string out(kBom);
  // Two header lines like the printed table: a group's name stands over its
  // first column (the merged cell), the village and status columns have
  // their heading on the first line only.
  std::vector<std::string> groups{Text(table.row_header)}, names{""};
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column& c = table.columns[i];
    const bool first = i == 0 || table.columns[i - 1].group != c.group;
    groups.push_back(first ? Text(c.group) : "");
    names.push_back(Text(c.name));
  }
  groups.push_back(Text(table.state_header));
  names.push_back("");
  Line(&out, groups);
  Line(&out, names);
  for (const auto& row : table.rows) WriteRow(&out, row);
  WriteRow(&out, table.total);
  if (!table.notes.empty()) {
    out += "\r\n";
    for (const auto& n : table.notes) Line(&out, {Text(n)});
  }
  return out;
}

std::string ToCsv(const OverdueList& list) {
  std::string out(kBom);
  Line(&out, {"单位", "事项类型", "编号", "当前环节", "应完成时间", "逾期天数", "督办进度",
              "责任人"});
  for (const auto& r : list.rows) {
    Line(&out, {Text(r.unit), Text(r.kind_title), Text(r.key), Text(r.state), Text(r.due),
                fmt::format("{}", r.days_overdue), Text(r.step), Text(r.contact)});
  }
  return out;
}

}  // namespace duban::tables
