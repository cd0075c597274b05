// CsvReader splits UTF-8 text into records the way Excel and WPS write and
// read them (RFC 4180): fields separated by commas, records by CRLF, LF or a
// lone CR; a field in double quotes may hold commas, line breaks and doubled
// quotes. Internal to importer/. Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duban::importer {

struct CsvRecord {
  int row = 0;  // 1-based, counting records as a spreadsheet shows rows
  std::vector<std::string> fields;
  bool blank() const;  // no field has any non-space character
};

struct CsvError {
  int row = 0;
  std::string reason;  // "中文 (English)"
};

struct CsvTable {
  std::vector<CsvRecord> records;  // the header is records[0] (row 1)
  std::vector<CsvError> errors;    // malformed rows, not in `records`
};

// Reads every record of `text`. A malformed record (an unterminated quote,
// text after a closing quote) becomes an error for its row, and reading goes
// on from the line after the one where that record began, so one bad quote
// costs one row, not the rest of the file. A final line break does not start
// another record; blank lines are kept as blank records so that row numbers
// stay those the user sees.
CsvTable ReadCsv(std::string_view text);

}  // namespace duban::importer
