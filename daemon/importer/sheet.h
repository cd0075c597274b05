// A Sheet is a decoded CSV file whose header has been matched to the columns
// a parser knows, so each parser sees rows of named cells and a single place
// reports encoding, header and column-count problems. Internal to importer/.
// Pure; any thread.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "importer/importer.h"

namespace duban::importer {

// A column a parser knows: its name in docs/import.md, whether the header
// must have it, and the other headers accepted for it ('|'-separated).
struct ColumnDef {
  std::string_view name;
  bool required = false;
  std::string_view aliases;
};

struct Cell {
  std::string value;   // trimmed
  int column = 0;      // 1-based position in the file; 0 when not in the file
  std::string header;  // as written in the file; the name when not in the file
};

struct SheetRow {
  int row = 0;
  std::vector<Cell> cells;  // one per ColumnDef, in the same order
  const std::string& operator[](size_t def) const { return cells[def].value; }
};

// Decodes `bytes`, reads the CSV and maps its header onto `defs`. Sets the
// encoding, row count and ignored columns of `out` and adds a rejection for
// every file-level problem and every malformed row. Returns the well-formed,
// non-blank data rows; none when the file or its header is unusable.
std::vector<SheetRow> ReadSheet(std::string_view bytes, std::span<const ColumnDef> defs,
                                ParsedFile& out);

// "A", "B", ... "Z", "AA": the spreadsheet's name for column `n` (1-based).
std::string ColumnLetter(int n);

// Collects the rejections of one row.
class RowErrors {
 public:
  RowErrors(const SheetRow& row, std::vector<Rejection>& out) : row_(row), out_(out) {}
  // A problem with the cell of ColumnDef `def`.
  void Add(size_t def, std::string reason);
  // A problem with the row as a whole.
  void AddRow(std::string reason);
  bool any() const { return count_ > 0; }

 private:
  const SheetRow& row_;
  std::vector<Rejection>& out_;
  int count_ = 0;
};

// Checks the id in cell `def` of `row`: not empty, well formed (CheckId), not
// used by an earlier row. Records the first use in `first_row` (id -> row)
// and returns true when the id is fine.
bool CheckNewId(const SheetRow& row, size_t def, RowErrors& errs,
                std::map<std::string, int>& first_row);

// Sorts rejections by row, keeping the order within a row.
void SortRejections(std::vector<Rejection>& rejections);

}  // namespace duban::importer
