// ParseRegister: the hazard-house register a draw runs on. It shares the
// importer's CSV handling (encodings, header aliases, row numbers, the
// "file 第N行 C列(name)" format) but is stricter than a house import: one bad
// row fails the whole register, because a draw over the rows that happened
// to parse would not be the draw anyone else reproduces from the same file.
#include <fmt/format.h>

#include "base/crypto.h"
#include "importer/cells.h"
#include "importer/importer.h"
#include "importer/sheet.h"
#include "sampling/sampling.h"

namespace duban::sampling {
namespace {

using importer::Bilingual;
using importer::ColumnDef;
using importer::RowErrors;
using importer::SheetRow;

enum Column : size_t { kId, kDivision, kTown, kCommercial, kHazard };

// The header matcher drops a trailing note in parentheses, so
// "乡镇（街道）" is found as "乡镇".
constexpr ColumnDef kColumns[] = {
    {"house_id", true, "房屋编号|编号|id"},
    {"division_code", true, "区划代码|行政区划代码|统计用区划代码"},
    {"town", true, "乡镇|乡镇街道|街道|所属乡镇"},
    {"commercial", true, "是否经营性|经营性|is_commercial|是否经营性自建房"},
    {"hazard_level", false, "隐患等级|hazard|隐患类型|隐患判定"},
};

constexpr importer::Alias kHazards[] = {
    {"none", "无|无隐患"},
    {"general", "一般|一般隐患"},
    {"serious", "严重|严重隐患"},
    {"collapse_risk", "倒塌风险|有倒塌风险|collapse-risk|collapse risk"},
};

void ReadDivision(const SheetRow& row, RegisterHouse& h, RowErrors& errs) {
  const std::string& v = row[kDivision];
  if (v.empty()) {
    errs.Add(kDivision, Bilingual("区划代码为空", "division_code is empty"));
  } else if (importer::LooksLikeExcelNumber(v)) {
    errs.Add(kDivision,
             Bilingual(fmt::format(
                           "区划代码 '{}' 被Excel改成了科学计数法，请把该列设为文本后重新导出", v),
                       fmt::format("division_code '{}' was rewritten by Excel in scientific "
                                   "notation; format the column as text and export again",
                                   v)));
  } else if (v.size() < 6 || v.size() > 12 ||
             v.find_first_not_of("0123456789") != std::string::npos) {
    errs.Add(kDivision, Bilingual(fmt::format("区划代码 '{}' 应为6到12位数字", v),
                                  fmt::format("division_code '{}' must be 6 to 12 digits", v)));
  } else {
    h.division_code = v;
  }
}

void ReadCommercial(const SheetRow& row, RegisterHouse& h, RowErrors& errs) {
  const std::string& v = row[kCommercial];
  if (v.empty()) {
    errs.Add(kCommercial,
             Bilingual("是否经营性为空，应为 是/否", "commercial is empty; write yes or no"));
  } else if (const auto b = importer::ParseBool(v)) {
    h.commercial = *b;
  } else {
    errs.Add(
        kCommercial,
        Bilingual(fmt::format("是否经营性 '{}' 应为 是/否", v),
                  fmt::format("commercial '{}' must be yes or no: 是/否, true/false, 1/0", v)));
  }
}

void ReadHazard(const SheetRow& row, RegisterHouse& h, RowErrors& errs) {
  const std::string& v = row[kHazard];
  if (v.empty()) return;  // a hazard house of unstated level
  if (const auto level = importer::LookupAlias(kHazards, v)) {
    h.hazard_level = std::string(*level);
  } else {
    errs.Add(kHazard, Bilingual(fmt::format("隐患等级 '{}' 应为 无/一般/严重/倒塌风险", v),
                                fmt::format("hazard_level '{}' is not none, general, serious "
                                            "or collapse_risk",
                                            v)));
  }
}

Status Failure(const importer::ParsedFile& parsed) {
  std::string message = fmt::format(
      "{}: 隐患房屋台账有{}处错误，未抽取 (the register has {} problems; nothing was drawn)",
      parsed.file, parsed.rejections.size(), parsed.rejections.size());
  for (const importer::Rejection& r : parsed.rejections) {
    message += "\n" + r.ToString(parsed.file);
  }
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace

bool IsHazard(const RegisterHouse& house) { return house.hazard_level != "none"; }

Result<Register> ParseRegister(std::string_view bytes, const std::string& file_name) {
  importer::ParsedFile parsed;
  parsed.file = file_name;
  const std::vector<SheetRow> rows = importer::ReadSheet(bytes, kColumns, parsed);
  Register reg;
  reg.file = file_name;
  reg.sha256 = crypto::Sha256Hex(bytes);
  std::map<std::string, int> first_row;
  for (const SheetRow& row : rows) {
    RowErrors errs(row, parsed.rejections);
    RegisterHouse h;
    h.row = row.row;
    if (importer::CheckNewId(row, kId, errs, first_row)) h.id = row[kId];
    ReadDivision(row, h, errs);
    h.town = row[kTown];
    if (h.town.empty()) {
      errs.Add(kTown, Bilingual("乡镇（街道）为空", "town is empty"));
    }
    ReadCommercial(row, h, errs);
    ReadHazard(row, h, errs);
    if (!errs.any()) reg.houses.push_back(std::move(h));
  }
  if (parsed.rejections.empty() && parsed.data_rows == 0) {
    parsed.rejections.push_back(
        importer::Rejection{0, 0, "", Bilingual("台账中没有房屋", "the register lists no houses")});
  }
  if (!parsed.rejections.empty()) {
    importer::SortRejections(parsed.rejections);
    return Failure(parsed);
  }
  return reg;
}

}  // namespace duban::sampling
