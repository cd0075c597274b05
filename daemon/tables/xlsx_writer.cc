// XLSX through libxlsxwriter, laid out like the printed attachment: a title,
// a two-row header whose group headings are merged over their columns (and
// 行政村 merged down both rows), bordered cells, the 总计 row in bold and the
// notes below. libxlsxwriter 1.1.4 writes only to a file; ToXlsx goes
// through a temporary one.
#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "tables/tables.h"

namespace duban::tables {
namespace {

struct Formats {
  explicit Formats(lxw_workbook* wb) {
    title = Add(wb, /*border=*/false);
    format_set_bold(title);
    format_set_font_size(title, 16);
    format_set_align(title, LXW_ALIGN_CENTER);
    subtitle = Add(wb, false);
    format_set_align(subtitle, LXW_ALIGN_LEFT);
    header = Add(wb, true);
    format_set_bold(header);
    format_set_align(header, LXW_ALIGN_CENTER);
    format_set_text_wrap(header);
    text = Add(wb, true);
    format_set_align(text, LXW_ALIGN_CENTER);
    number = Add(wb, true);
    format_set_num_format(number, "0");
    total_text = Add(wb, true);
    format_set_bold(total_text);
    format_set_align(total_text, LXW_ALIGN_CENTER);
    total_number = Add(wb, true);
    format_set_bold(total_number);
    format_set_num_format(total_number, "0");
    warn = Add(wb, true);
    format_set_align(warn, LXW_ALIGN_CENTER);
    format_set_font_color(warn, 0xC00000);
    note = Add(wb, false);
    format_set_align(note, LXW_ALIGN_LEFT);
  }
  static lxw_format* Add(lxw_workbook* wb, bool border) {
    lxw_format* f = workbook_add_format(wb);
    format_set_font_name(f, "宋体");
    format_set_font_size(f, 11);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (border) format_set_border(f, LXW_BORDER_THIN);
    return f;
  }
  lxw_format *title, *subtitle, *header, *text, *number, *total_text, *total_number, *warn,
      *note;
};

// Spreadsheet column width of `s`: CJK characters take two units.
double DisplayWidth(std::string_view s) {
  double w = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2 : 1;
    i += len;
  }
  return w;
}

// Sheet names: at most 31 characters, none of []:*?/\, unique.
std::string SheetName(std::string name, std::set<std::string>* used) {
  for (char& c : name) {
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '_';
  }
  if (name.empty()) name = "Sheet";
  std::string out = name;
  for (int n = 2; used->contains(out); ++n) out = fmt::format("{} ({})", name, n);
  used->insert(out);
  return out;
}

void WriteTitle(lxw_worksheet* ws, const Formats& f, int last_col, const std::string& title,
                const std::string& subtitle) {
  worksheet_set_row(ws, 0, 30, nullptr);
  worksheet_merge_range(ws, 0, 0, 0, static_cast<lxw_col_t>(last_col), title.c_str(), f.title);
  worksheet_merge_range(ws, 1, 0, 1, static_cast<lxw_col_t>(last_col), subtitle.c_str(),
                        f.subtitle);
}

void WriteNotes(lxw_worksheet* ws, const Formats& f, int first_row, int last_col,
                const std::vector<std::string>& notes) {
  for (size_t i = 0; i < notes.size(); ++i) {
    const auto r = static_cast<lxw_row_t>(first_row + static_cast<int>(i));
    worksheet_merge_range(ws, r, 0, r, static_cast<lxw_col_t>(last_col), notes[i].c_str(), f.note);
  }
}

void WriteRow(lxw_worksheet* ws, const Formats& f, lxw_row_t r, const Row& row, bool total) {
  worksheet_write_string(ws, r, 0, row.name.c_str(), total ? f.total_text : f.text);
  lxw_format* num = total ? f.total_number : f.number;
  for (size_t i = 0; i < row.cells.size(); ++i) {
    const auto c = static_cast<lxw_col_t>(i + 1);
    if (row.cells[i]) {
      worksheet_write_number(ws, r, c, static_cast<double>(*row.cells[i]), num);
    } else {
      worksheet_write_blank(ws, r, c, num);
    }
  }
  const auto sc = static_cast<lxw_col_t>(row.cells.size() + 1);
  if (row.state) {
    const bool bad = *row.state == ReportState::kMissing || *row.state == ReportState::kLate;
    worksheet_write_string(ws, r, sc, ReportStateLabel(*row.state), bad ? f.warn : f.text);
  } else {
    worksheet_write_blank(ws, r, sc, total ? f.total_text : f.text);
  }
}

void WriteSheet(lxw_worksheet* ws, const Formats& f, const Table& t) {
  const int n = static_cast<int>(t.columns.size());
  const int last = n + 1;  // the status column
  WriteTitle(ws, f, last, t.title, t.subtitle);
  // Header rows 2 and 3.
  worksheet_merge_range(ws, 2, 0, 3, 0, t.row_header.c_str(), f.header);
  for (int i = 0; i < n;) {
    const Column& c = t.columns[static_cast<size_t>(i)];
    int j = i;
    while (j + 1 < n && !c.group.empty() && t.columns[static_cast<size_t>(j + 1)].group == c.group) {
      ++j;
    }
    const auto ci = static_cast<lxw_col_t>(i + 1), cj = static_cast<lxw_col_t>(j + 1);
    if (c.group.empty()) {
      worksheet_merge_range(ws, 2, ci, 3, ci, c.name.c_str(), f.header);
    } else {
      if (i == j) {
        worksheet_write_string(ws, 2, ci, c.group.c_str(), f.header);
      } else {
        worksheet_merge_range(ws, 2, ci, 2, cj, c.group.c_str(), f.header);
      }
      for (int k = i; k <= j; ++k) {
        worksheet_write_string(ws, 3, static_cast<lxw_col_t>(k + 1),
                               t.columns[static_cast<size_t>(k)].name.c_str(), f.header);
      }
    }
    i = j + 1;
  }
  worksheet_merge_range(ws, 2, static_cast<lxw_col_t>(last), 3, static_cast<lxw_col_t>(last),
                        t.state_header.c_str(), f.header);
  worksheet_set_row(ws, 3, 45, nullptr);

  double name_width = DisplayWidth(t.row_header) + 2;
  lxw_row_t r = 4;
  for (const Row& row : t.rows) {
    name_width = std::max(name_width, DisplayWidth(row.name) + 2);
    WriteRow(ws, f, r++, row, false);
  }
  WriteRow(ws, f, r++, t.total, true);
  WriteNotes(ws, f, static_cast<int>(r) + 1, last, t.notes);

  worksheet_set_column(ws, 0, 0, std::max(name_width, 10.0), nullptr);
  if (n > 0) worksheet_set_column(ws, 1, static_cast<lxw_col_t>(n), 12, nullptr);
  worksheet_set_column(ws, static_cast<lxw_col_t>(last), static_cast<lxw_col_t>(last), 10,
                       nullptr);
  worksheet_freeze_panes(ws, 4, 1);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_repeat_rows(ws, 2, 3);
  worksheet_fit_to_pages(ws, 1, 0);
}

Status Close(lxw_workbook* wb, const std::string& path) {
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    return Status::Unavailable(fmt::format("cannot write {}", path), lxw_strerror(err));
  }
  return Status::OK();
}

// Runs `write` against a fresh temporary file in `dir` and returns its bytes.
template <typename Write>
Result<std::string> ViaTempFile(const std::string& dir, Write write) {
  std::string path = (dir.empty() ? std::string(".") : dir) + "/duban-table-XXXXXX.xlsx";
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) return Status::Unavailable("cannot create a temporary file in", dir);
  close(fd);
  Status st = write(path);
  std::string bytes;
  if (st.ok()) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
    if (!in) st = Status::Unavailable("cannot read back", path);
  }
  unlink(path.c_str());
  if (!st.ok()) return st;
  return bytes;
}

}  // namespace

Status WriteXlsx(const std::vector<Table>& sheets, const std::string& path) {
  if (sheets.empty()) return Status::InvalidArgument("no tables to write");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Status::Unavailable("cannot start a workbook", path);
  Formats f(wb);
  std::set<std::string> used;
  for (const Table& t : sheets) {
    const std::string name = SheetName(t.sheet_name, &used);
    WriteSheet(workbook_add_worksheet(wb, name.c_str()), f, t);
  }
  return Close(wb, path);
}

Status WriteXlsx(const OverdueList& list, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Status::Unavailable("cannot start a workbook", path);
  Formats f(wb);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "逾期事项");
  const std::vector<std::pair<const char*, double>> headers = {
      {"单位", 16}, {"事项类型", 14}, {"编号", 16}, {"当前环节", 12},
      {"应完成时间", 18}, {"逾期天数", 10}, {"督办进度", 14}, {"责任人", 22}};
  const int last = static_cast<int>(headers.size()) - 1;
  WriteTitle(ws, f, last, list.title, list.subtitle);
  for (size_t c = 0; c < headers.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    worksheet_write_string(ws, 2, col, headers[c].first, f.header);
    worksheet_set_column(ws, col, col, headers[c].second, nullptr);
  }
  lxw_row_t r = 3;
  for (const OverdueRow& o : list.rows) {
    int c = 0;
    for (const std::string* s : {&o.unit, &o.kind_title, &o.key, &o.state, &o.due}) {
      worksheet_write_string(ws, r, static_cast<lxw_col_t>(c++), s->c_str(), f.text);
    }
    worksheet_write_number(ws, r, static_cast<lxw_col_t>(c++), static_cast<double>(o.days_overdue),
                           f.number);
    worksheet_write_string(ws, r, static_cast<lxw_col_t>(c++), o.step.c_str(), f.text);
    worksheet_write_string(ws, r, static_cast<lxw_col_t>(c++), o.contact.c_str(), f.text);
    ++r;
  }
  worksheet_freeze_panes(ws, 3, 0);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);
  worksheet_repeat_rows(ws, 2, 2);
  return Close(wb, path);
}

Result<std::string> ToXlsx(const std::vector<Table>& sheets, const std::string& scratch_dir) {
  return ViaTempFile(scratch_dir, [&](const std::string& p) { return WriteXlsx(sheets, p); });
}

Result<std::string> ToXlsx(const OverdueList& list, const std::string& scratch_dir) {
  return ViaTempFile(scratch_dir, [&](const std::string& p) { return WriteXlsx(list, p); });
}

}  // namespace duban::tables
