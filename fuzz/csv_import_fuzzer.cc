// CSV import: importer::DecodeToUtf8, ParseUnits, ParseContacts, ParseHouses
// and NormalizeMobile over the same arbitrary bytes (each parser rejects the
// others' headers quickly, so one corpus serves all three).
//
// Checks the promises of importer.h: decoding yields well-formed UTF-8
// without a BOM and leaves UTF-8 input as it was; an unreadable file yields
// no records; accepted rows have unique ids, UTF-8 text and normalised
// mobiles; rejections are sorted and counted consistently; and the diff of
// an import against itself changes nothing.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "importer/importer.h"

namespace {

using namespace duban;
using namespace duban::importer;
using duban::fuzz::IsUtf8;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

void CheckDecode(std::string_view bytes) {
  auto decoded = DecodeToUtf8(bytes);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(IsUtf8(decoded->text));
  if (IsUtf8(bytes)) {
    if (bytes.rfind(kBom, 0) == 0) {
      FUZZ_CHECK(decoded->encoding == Encoding::kUtf8Bom);
      FUZZ_CHECK(decoded->text == bytes.substr(kBom.size()));
    } else {
      FUZZ_CHECK(decoded->encoding == Encoding::kUtf8);
      FUZZ_CHECK(decoded->text == bytes);
    }
  }
}

void CheckMobile(std::string_view raw) {
  auto m = NormalizeMobile(raw);
  if (!m.ok()) {
    FUZZ_CHECK(m.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(m->size() == 14 && m->rfind("+86", 0) == 0);
  for (size_t i = 3; i < m->size(); ++i) FUZZ_CHECK((*m)[i] >= '0' && (*m)[i] <= '9');
  auto again = NormalizeMobile(*m);
  FUZZ_CHECK(again.ok() && *again == *m);
}

// `readable`: the bytes decoded, so every message quotes UTF-8.
template <typename T>
void CheckImport(const Import<T>& im, std::string_view file, bool readable) {
  FUZZ_CHECK(im.data_rows >= 0);
  FUZZ_CHECK(static_cast<int>(im.records.size()) + im.RejectedRows() <= im.data_rows);
  if (im.FileRejected()) FUZZ_CHECK(im.records.empty());
  int last_row = 0;
  for (const Rejection& r : im.rejections) {
    FUZZ_CHECK(r.row >= last_row);
    last_row = r.row;
    FUZZ_CHECK(r.column >= 0);
    FUZZ_CHECK(!r.reason.empty());
    FUZZ_CHECK(!r.ToString(file).empty());
    if (readable) FUZZ_CHECK(IsUtf8(r.ToString(file)));
  }
  FUZZ_CHECK(im.ToDiagnostics().items().size() == im.rejections.size());
  std::set<std::string> ids;
  for (const T& rec : im.records) {
    FUZZ_CHECK(!rec.id.empty());
    FUZZ_CHECK(ids.insert(rec.id).second);
    FUZZ_CHECK(IsUtf8(rec.id));
  }
  const ImportDiff same = Diff(im.records, im.records);
  FUZZ_CHECK(same.entries.size() == im.records.size());
  for (const DiffEntry& e : same.entries) FUZZ_CHECK(e.change == Change::kUnchanged);
  const ImportDiff fresh = Diff(std::vector<T>{}, im.records);
  for (const DiffEntry& e : fresh.entries) FUZZ_CHECK(e.change == Change::kAdded);
  const DiffSummary sum = Summarize(fresh, im);
  FUZZ_CHECK(sum.added == static_cast<int>(im.records.size()));
  FUZZ_CHECK(sum.rejected == im.RejectedRows());
  FUZZ_CHECK(!RenderReport(im, fresh).empty());
}

model::Unit MakeUnit(std::string id, model::Level level, std::string parent) {
  model::Unit u;
  u.id = std::move(id);
  u.name = u.id;
  u.level = level;
  u.parent_id = std::move(parent);
  return u;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckDecode(bytes);
  CheckMobile(bytes);
  const bool readable = DecodeToUtf8(bytes).ok();

  // What the sample database (config/demo) holds, so rows can pass the
  // hierarchy and reference checks and reach the code after them.
  UnitContext units;
  units.existing = {MakeUnit("qinshui", model::Level::kCounty, ""),
                    MakeUnit("jiafeng", model::Level::kTown, "qinshui"),
                    MakeUnit("jf-jiafeng", model::Level::kVillage, "jiafeng")};
  const UnitImport u = ParseUnits(bytes, "units.csv", units);
  CheckImport(u, "units.csv", readable);
  for (const model::Unit& unit : u.records) {
    FUZZ_CHECK(IsUtf8(unit.name) && IsUtf8(unit.parent_id));
    FUZZ_CHECK(unit.parent_id != unit.id);
  }

  ContactContext contacts;
  contacts.units = UnitLevels(units.existing);
  contacts.roles = {"liaison", "head", "office", "supervisor", "task_force", "group_chat"};
  contacts.channels = {"sms", "town-robot"};
  contacts.mobile_channels = {"sms"};
  const ContactImport c = ParseContacts(bytes, "contacts.csv", contacts);
  CheckImport(c, "contacts.csv", readable);
  for (const model::Contact& contact : c.records) {
    FUZZ_CHECK(contacts.units.count(contact.unit_id) == 1);
    FUZZ_CHECK(contacts.roles.count(contact.role) == 1);
    for (const std::string& ch : contact.channels) FUZZ_CHECK(contacts.channels.count(ch) == 1);
    if (!contact.mobile.empty()) {
      auto again = NormalizeMobile(contact.mobile);
      FUZZ_CHECK(again.ok() && *again == contact.mobile);
    }
    FUZZ_CHECK(IsUtf8(contact.name));
    for (const auto& q : {contact.quiet_start_min, contact.quiet_end_min}) {
      if (q) FUZZ_CHECK(*q >= 0 && *q < 24 * 60);
    }
  }

  HouseContext houses;
  houses.units = contacts.units;
  const HouseImport h = ParseHouses(bytes, "houses.csv", houses);
  CheckImport(h, "houses.csv", readable);
  for (const model::House& house : h.records) {
    FUZZ_CHECK(houses.units.count(house.unit_id) == 1);
    FUZZ_CHECK(house.floors >= 0);
    FUZZ_CHECK(IsUtf8(house.address));
  }
  return 0;
}
