// Header matching and row shaping. The header is the file's first row; a
// column is known by its name or any alias, ignoring ASCII case, a leading or
// trailing '*' (a "required" mark in many templates) and a trailing note in
// parentheses such as "手机号（11位）".
#include "importer/sheet.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "importer/cells.h"
#include "importer/csv_reader.h"

namespace duban::importer {
namespace {

// The header text reduced to the form names and aliases are written in.
std::string NormalizeHeader(std::string_view raw) {
  std::string_view s = TrimCell(raw);
  for (std::string_view open : {"(", "（"}) {
    const size_t p = s.find(open);
    if (p != std::string_view::npos && p > 0) s = TrimCell(s.substr(0, p));
  }
  while (!s.empty() && s.front() == '*') s = TrimCell(s.substr(1));
  while (!s.empty() && s.back() == '*') s = TrimCell(s.substr(0, s.size() - 1));
  std::string out = LowerAscii(s);
  std::replace(out.begin(), out.end(), ' ', '_');
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

std::optional<size_t> FindColumn(std::span<const ColumnDef> defs, std::string_view header) {
  const std::string h = NormalizeHeader(header);
  if (h.empty()) return std::nullopt;
  for (size_t i = 0; i < defs.size(); ++i) {
    const Alias alias{defs[i].name, defs[i].aliases};
    if (LookupAlias(std::span<const Alias>(&alias, 1), h)) return i;
  }
  return std::nullopt;
}

Rejection FileProblem(int row, int column, std::string name, std::string reason) {
  return Rejection{row, column, std::move(name), std::move(reason)};
}

// Number of columns the header names: trailing empty header cells, which
// Excel writes when a cell right of the table was ever touched, do not count.
size_t HeaderWidth(const std::vector<std::string>& header) {
  size_t n = header.size();
  while (n > 0 && TrimCell(header[n - 1]).empty()) --n;
  return n;
}

// A line break inside a cell is "\n", whatever the file's line ends are:
// Excel writes LF for Alt+Enter even in a CRLF file, hand-edited files not.
std::string CellValue(std::string_view raw) {
  const std::string_view v = TrimCell(raw);
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\r') {
      out += v[i];
    } else if (i + 1 >= v.size() || v[i + 1] != '\n') {
      out += '\n';
    }
  }
  return out;
}

}  // namespace

std::string ColumnLetter(int n) {
  std::string out;
  while (n > 0) {
    const int r = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + r));
    n = (n - 1) / 26;
  }
  return out;
}

void RowErrors::Add(size_t def, std::string reason) {
  const Cell& cell = row_.cells[def];
  out_.push_back(Rejection{row_.row, cell.column, cell.header, std::move(reason)});
  ++count_;
}

void RowErrors::AddRow(std::string reason) {
  out_.push_back(Rejection{row_.row, 0, "", std::move(reason)});
  ++count_;
}

bool CheckNewId(const SheetRow& row, size_t def, RowErrors& errs,
                std::map<std::string, int>& first_row) {
  const std::string& id = row[def];
  if (id.empty()) {
    errs.Add(def, Bilingual("编号为空", "id is empty"));
    return false;
  }
  if (std::string why = CheckId(id); !why.empty()) {
    errs.Add(def, std::move(why));
    return false;
  }
  const auto [it, inserted] = first_row.emplace(id, row.row);
  if (!inserted) {
    errs.Add(def, Bilingual(fmt::format("编号 '{}' 与第{}行重复", id, it->second),
                            fmt::format("id '{}' duplicates row {}", id, it->second)));
    return false;
  }
  return true;
}

void SortRejections(std::vector<Rejection>& rejections) {
  std::stable_sort(rejections.begin(), rejections.end(),
                   [](const Rejection& a, const Rejection& b) { return a.row < b.row; });
}

std::vector<SheetRow> ReadSheet(std::string_view bytes, std::span<const ColumnDef> defs,
                                ParsedFile& out) {
  Result<Decoded> decoded = DecodeToUtf8(bytes);
  if (!decoded.ok()) {
    out.rejections.push_back(FileProblem(0, 0, "", decoded.status().message()));
    return {};
  }
  out.encoding = decoded->encoding;
  CsvTable table = ReadCsv(decoded->text);
  if (table.records.empty() || table.records.front().row != 1) {
    const bool empty = table.records.empty() && table.errors.empty();
    out.rejections.push_back(FileProblem(
        empty ? 0 : 1, 0, "",
        empty ? Bilingual("文件为空", "the file is empty")
              : Bilingual("表头行格式错误", "the header row is malformed") + ": " +
                    table.errors.front().reason));
    return {};
  }

  // Map header cells to columns.
  const std::vector<std::string>& header = table.records.front().fields;
  const size_t width = HeaderWidth(header);
  std::vector<int> position(defs.size(), -1);  // def -> 0-based file column
  bool header_ok = true;
  for (size_t c = 0; c < width; ++c) {
    const std::string text(TrimCell(header[c]));
    const std::optional<size_t> def = FindColumn(defs, text);
    if (!def) {
      if (!text.empty()) out.ignored_columns.push_back(text);
      continue;
    }
    if (position[*def] >= 0) {
      const std::string first(TrimCell(header[position[*def]]));
      out.rejections.push_back(FileProblem(
          1, static_cast<int>(c) + 1, text,
          Bilingual(fmt::format("列 '{}' 与 '{}' 重复，都表示 {}", text, first, defs[*def].name),
                    fmt::format("columns '{}' and '{}' both mean {}", first, text,
                                defs[*def].name))));
      header_ok = false;
      continue;
    }
    position[*def] = static_cast<int>(c);
  }
  for (size_t d = 0; d < defs.size(); ++d) {
    if (!defs[d].required || position[d] >= 0) continue;
    const std::string names = fmt::format("{}|{}", defs[d].name, defs[d].aliases);
    out.rejections.push_back(FileProblem(
        1, 0, "",
        Bilingual(fmt::format("缺少必填列 {}（可用列名: {}）", defs[d].name, names),
                  fmt::format("missing required column {}", defs[d].name))));
    header_ok = false;
  }
  if (!header_ok) return {};

  for (const CsvError& e : table.errors) {
    out.rejections.push_back(FileProblem(e.row, 0, "", e.reason));
    ++out.data_rows;
  }
  std::vector<SheetRow> rows;
  for (size_t r = 1; r < table.records.size(); ++r) {
    CsvRecord& record = table.records[r];
    if (record.blank()) continue;
    ++out.data_rows;
    // Extra fields are fine when empty (see HeaderWidth); missing ones not.
    size_t used = record.fields.size();
    while (used > width && TrimCell(record.fields[used - 1]).empty()) --used;
    if (used != width) {
      out.rejections.push_back(FileProblem(
          record.row, 0, "",
          Bilingual(fmt::format("本行有{}列，表头有{}列", used, width),
                    fmt::format("the row has {} columns, the header has {}", used, width))));
      continue;
    }
    SheetRow row;
    row.row = record.row;
    for (size_t d = 0; d < defs.size(); ++d) {
      Cell cell;
      if (position[d] >= 0) {
        const auto c = static_cast<size_t>(position[d]);
        cell.value = CellValue(record.fields[c]);
        cell.column = position[d] + 1;
        cell.header = std::string(TrimCell(header[c]));
      } else {
        cell.header = std::string(defs[d].name);
      }
      row.cells.push_back(std::move(cell));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace duban::importer
