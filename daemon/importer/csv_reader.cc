#include "importer/csv_reader.h"

#include "base/strings.h"

namespace duban::importer {
namespace {

constexpr std::string_view kUnterminated =
    "引号未闭合 (unterminated quote: a field opened with \" never closes)";
constexpr std::string_view kTextAfterQuote =
    "结束引号后还有其他字符 (text after the closing quote of a field)";

// Skips the line break at `pos` (CRLF, LF or CR) and returns the position
// after it.
size_t SkipLineBreak(std::string_view text, size_t pos) {
  if (text[pos] == '\r') {
    ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    return pos;
  }
  return pos + 1;
}

// Where reading resumes after a malformed record that began at `start`: the
// line after the record's first line.
size_t ResyncAfter(std::string_view text, size_t start) {
  const size_t eol = text.find_first_of("\r\n", start);
  return eol == std::string_view::npos ? text.size() : SkipLineBreak(text, eol);
}

// Reads a quoted field whose opening quote is at `pos`. On success appends
// the unquoted content to `field`, leaves `pos` after the closing quote and
// returns "". Otherwise returns the reason.
std::string_view ReadQuoted(std::string_view text, size_t& pos, std::string& field) {
  ++pos;  // the opening quote
  while (true) {
    const size_t q = text.find('"', pos);
    if (q == std::string_view::npos) return kUnterminated;
    field.append(text.substr(pos, q - pos));
    if (q + 1 < text.size() && text[q + 1] == '"') {  // "" is one quote
      field += '"';
      pos = q + 2;
      continue;
    }
    pos = q + 1;
    break;
  }
  if (pos < text.size() && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n') {
    // A quote that never closed usually "closes" on a later row's quote and
    // then trips here; a field with a line break in it says so.
    const bool spans_lines = field.find_first_of("\r\n") != std::string::npos;
    return spans_lines ? kUnterminated : kTextAfterQuote;
  }
  return {};
}

}  // namespace

bool CsvRecord::blank() const {
  for (const auto& f : fields) {
    if (!Trim(f).empty()) return false;
  }
  return true;
}

CsvTable ReadCsv(std::string_view text) {
  CsvTable table;
  size_t pos = 0;
  int row = 0;
  while (pos < text.size()) {
    ++row;
    const size_t start = pos;
    CsvRecord record;
    record.row = row;
    std::string_view error;
    while (true) {
      std::string field;
      if (pos < text.size() && text[pos] == '"') {
        error = ReadQuoted(text, pos, field);
        if (!error.empty()) break;
      } else {
        // Excel reads a quote inside an unquoted field literally; so do we.
        const size_t end = text.find_first_of(",\r\n", pos);
        const size_t stop = end == std::string_view::npos ? text.size() : end;
        field.append(text.substr(pos, stop - pos));
        pos = stop;
      }
      record.fields.push_back(std::move(field));
      if (pos >= text.size()) break;
      if (text[pos] == ',') {
        ++pos;
        continue;
      }
      pos = SkipLineBreak(text, pos);
      break;
    }
    if (!error.empty()) {
      table.errors.push_back(CsvError{row, std::string(error)});
      pos = ResyncAfter(text, start);
      continue;
    }
    table.records.push_back(std::move(record));
  }
  return table;
}

}  // namespace duban::importer
