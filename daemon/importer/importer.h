// The importer reads the CSV files a town keeps in Excel or WPS (units,
// contacts, houses), checks them against what the database already holds and
// works out what a re-import would change. It is pure: no files, clock or
// store. The CLI reads the bytes, passes them in with the context it loaded,
// writes the records that come back and prints the report. Any thread.
//
// Reasons are Chinese first, English in parentheses:
//   "手机号 '1380000' 不是11位大陆手机号 (mobile '1380000' is not an 11-digit
//   mainland number)". docs/import.md lists the columns and their aliases.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "base/status.h"
#include "model/model.h"

namespace duban::importer {

enum class Encoding { kUtf8, kUtf8Bom, kGb18030 };
// "UTF-8", "UTF-8 BOM", "GB18030".
const char* EncodingName(Encoding encoding);

struct Decoded {
  std::string text;  // UTF-8, without a BOM
  Encoding encoding = Encoding::kUtf8;
};
// Valid UTF-8 (with or without BOM) passes through; anything else is decoded
// as GB18030, which covers GBK and GB2312. InvalidArgument for UTF-16 and for
// bytes that are neither, naming the offset of the first bad byte.
Result<Decoded> DecodeToUtf8(std::string_view bytes);

// Normalises a mainland mobile number (channels.md §6) to "+86XXXXXXXXXXX".
// InvalidArgument, with a bilingual message, when it is not one.
Result<std::string> NormalizeMobile(std::string_view raw);

// One problem with one row. A row may have several; it is imported only when
// it has none.
struct Rejection {
  int row = 0;     // as the spreadsheet shows it, header = 1; 0: whole file
  int column = 0;  // 1-based (A = 1); 0 when about the whole row
  std::string column_name;  // the header as written in the file
  std::string reason;       // "中文 (English)"
  // "contacts.csv 第5行 E列(mobile): 手机号 ..."; "contacts.csv 第5行: ...";
  // "contacts.csv: ..." for the whole file.
  std::string ToString(std::string_view file) const;
};

// What every import reports besides its records.
struct ParsedFile {
  std::string file;                          // as given by the caller
  Encoding encoding = Encoding::kUtf8;
  int data_rows = 0;                         // non-blank rows under the header
  std::vector<std::string> ignored_columns;  // headers we do not know
  std::vector<Rejection> rejections;         // sorted by row
  // Distinct data rows (row >= 2) with at least one rejection.
  int RejectedRows() const;
  // True when the file could not be read at all (encoding, header).
  bool FileRejected() const;
  // One diagnostic per rejection: line = row, column = column.
  Diagnostics ToDiagnostics() const;
};

template <typename T>
struct Import : ParsedFile {
  std::vector<T> records;  // the accepted rows, in file order
};
using UnitImport = Import<model::Unit>;
using ContactImport = Import<model::Contact>;
using HouseImport = Import<model::House>;

// Unit levels by id, for ContactContext and HouseContext.
std::map<std::string, model::Level> UnitLevels(const std::vector<model::Unit>& units);

struct UnitContext {
  // Every unit in the database. Parents may be among them; a row with an
  // existing id replaces that unit for the hierarchy checks.
  std::vector<model::Unit> existing;
};

struct ContactContext {
  std::map<std::string, model::Level> units;  // database + this import
  std::set<std::string> roles;     // the campaign's roles; empty skips
  std::set<std::string> channels;  // configured channel names; empty skips
  // Channels that deliver to a mobile number (SMS): a contact listing one
  // needs a mobile. Empty skips.
  std::set<std::string> mobile_channels;
};

struct HouseContext {
  std::map<std::string, model::Level> units;  // database + this import
};

// Each parser decodes `bytes` (see DecodeToUtf8), reads the CSV and returns
// the good rows plus a rejection for every problem. A bad row never stops
// the others; an unreadable file or header yields no records.
UnitImport ParseUnits(std::string_view bytes, std::string_view file_name,
                      const UnitContext& ctx);
ContactImport ParseContacts(std::string_view bytes, std::string_view file_name,
                            const ContactContext& ctx);
HouseImport ParseHouses(std::string_view bytes, std::string_view file_name,
                        const HouseContext& ctx);

enum class Change { kAdded, kUpdated, kUnchanged };

struct DiffEntry {
  std::string id;
  Change change = Change::kAdded;
  std::vector<std::string> changed_fields;  // column names, for kUpdated
};

struct DiffSummary {
  int added = 0;
  int updated = 0;
  int unchanged = 0;
  int rejected = 0;  // rejected rows; set by Summarize()
};

struct ImportDiff {
  std::vector<DiffEntry> entries;  // in the order of `incoming`
  DiffSummary summary;
};

// Compares the records of an import with those already stored, by id. Ids
// absent from `incoming` are not listed: an import never deletes.
ImportDiff Diff(const std::vector<model::Unit>& existing,
                const std::vector<model::Unit>& incoming);
ImportDiff Diff(const std::vector<model::Contact>& existing,
                const std::vector<model::Contact>& incoming);
ImportDiff Diff(const std::vector<model::House>& existing,
                const std::vector<model::House>& incoming);

// The diff's counts plus the file's rejected rows.
DiffSummary Summarize(const ImportDiff& diff, const ParsedFile& file);

// The lines the CLI prints, e.g.
//   "units.csv [UTF-8]: 新增 3, 更新 1, 未变 16, 拒绝 2 (added 3, updated 1,
//    unchanged 16, rejected 2)"
//   "  更新 jf-lizhuang: name, parent_id"
//   "  units.csv 第5行 D列(parent_id): ..."
std::vector<std::string> RenderReport(const ParsedFile& file, const ImportDiff& diff);

}  // namespace duban::importer
