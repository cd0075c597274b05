// Calendar loading from the holiday CSV (config/calendars/cn-holidays.csv):
//
//   date,kind,name
//   2024-04-04,off,Qingming Festival (清明节)
//   2024-04-07,workday,Qingming Festival (清明节)
//
// Every bad row is reported and skipped, so one typo neither hides the other
// problems nor loses the rest of the file.
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "base/strings.h"
#include "schedule/internal.h"
#include "schedule/schedule.h"

namespace duban::schedule {
namespace {

constexpr std::string_view kHeader = "date,kind,name";
constexpr std::string_view kWeekdayNames[] = {"Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday"};

class RowReader {
 public:
  RowReader(std::string_view file, Diagnostics* diags)
      : file_(file), diags_(diags) {}

  void Error(int line, std::string message, std::string hint = {}) {
    Report(Diagnostic::Severity::kError, line, std::move(message),
           std::move(hint));
  }
  void Warning(int line, std::string message) {
    Report(Diagnostic::Severity::kWarning, line, std::move(message), {});
  }

  // True for the header row. A missing header is an error; the line is then
  // read as data if it looks like data.
  bool Header(std::string_view line) {
    std::string norm;
    for (const std::string& col : Split(line, ',')) {
      if (!norm.empty()) norm += ',';
      norm += internal::Lower(Trim(col));
    }
    if (norm == kHeader) return true;
    Error(1, fmt::format("missing header row; expected '{}'", kHeader));
    return false;
  }

  // Parses one data row into `rows`; reports what is wrong otherwise.
  void Data(int line, std::string_view text) {
    const size_t c1 = text.find(',');
    if (c1 == std::string_view::npos) {
      Error(line, fmt::format("expected 'date,kind,name', got '{}'", text));
      return;
    }
    const size_t c2 = text.find(',', c1 + 1);
    const std::string_view date_text = Trim(text.substr(0, c1));
    const std::string_view kind_text = Trim(text.substr(
        c1 + 1, c2 == std::string_view::npos ? text.npos : c2 - c1 - 1));
    std::string_view name = c2 == std::string_view::npos
                                ? std::string_view()
                                : Trim(text.substr(c2 + 1));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    const std::optional<Date> date = internal::ParseIsoDate(date_text);
    if (!date) {
      Error(line,
            fmt::format("bad date '{}'; expected YYYY-MM-DD naming a real day",
                        date_text));
      return;
    }
    const std::string kind = internal::Lower(kind_text);
    if (kind != "off" && kind != "workday") {
      Error(
          line,
          fmt::format("unknown kind '{}'; expected off or workday", kind_text),
          DidYouMean(kind, {"off", "workday"}));
      return;
    }
    const int32_t day = internal::DayNumber(*date);
    auto [it, inserted] = first_line_.emplace(day, line);
    if (!inserted) {
      Error(line, fmt::format("duplicate date {}; first listed on line {}",
                              FormatDate(*date), it->second));
      return;
    }
    const unsigned wd = internal::IsoWeekday(day);
    if (kind == "workday" && wd <= 5) {
      Warning(line, fmt::format("{} is a {}; 'workday' changes nothing",
                                FormatDate(*date), kWeekdayNames[wd - 1]));
    }
    rows.push_back(Row{day, kind == "workday", line, std::string(name)});
  }

  struct Row {
    int32_t day;
    bool workday;
    int line;
    std::string name;
  };
  std::vector<Row> rows;

 private:
  void Report(Diagnostic::Severity severity, int line, std::string message,
              std::string hint) {
    if (diags_ == nullptr) return;
    Diagnostic d;
    d.severity = severity;
    d.file = file_;
    d.line = line;
    d.message = std::move(message);
    d.hint = std::move(hint);
    diags_->Add(std::move(d));
  }

  std::string file_;
  Diagnostics* diags_;
  std::map<int32_t, int> first_line_;  // day → line of its first row
};

}  // namespace

Calendar Calendar::FromCsvText(std::string_view text,
                               std::string_view file_name,
                               Diagnostics* diagnostics) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
  RowReader reader(file_name, diagnostics);
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    const std::string_view raw =
        text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    const std::string_view line = Trim(raw);
    if (line_no == 1) {
      if (reader.Header(line)) continue;
      // Not a header: read it as data only when it looks like a row.
      if (!internal::ParseIsoDate(Trim(line.substr(0, line.find(',')))))
        continue;
    }
    if (line.empty() || line.front() == '#') continue;
    reader.Data(line_no, line);
  }
  std::vector<Row> rows;
  rows.reserve(reader.rows.size());
  for (auto& r : reader.rows)
    rows.push_back(Row{r.day, r.workday, r.line, std::move(r.name)});
  return Calendar(std::move(rows));
}

Result<Calendar> Calendar::Load(const std::string& path,
                                Diagnostics* diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read holiday calendar", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::NotFound("cannot read holiday calendar", path);
  return FromCsvText(text.str(), path, diagnostics);
}

}  // namespace duban::schedule
