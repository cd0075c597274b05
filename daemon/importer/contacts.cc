// ParseContacts: contacts.csv, the people (and group robots) who receive
// reminders, one row per person and role. A person with two roles has two
// rows with different ids.
#include <fmt/format.h>

#include "importer/cells.h"
#include "importer/importer.h"
#include "importer/sheet.h"

namespace duban::importer {
namespace {

enum Column : size_t { kId, kUnit, kRole, kName, kMobile, kChannels, kOpenId, kQuiet };

constexpr ColumnDef kContactColumns[] = {
    {"id", true, "编号|联系人编号|contact_id"},
    {"unit_id", true, "unit|单位编号|所属单位|所属单位编号"},
    {"role", true, "角色|职责"},
    {"name", true, "姓名|名称|联系人"},
    {"mobile", false, "phone|手机|手机号|手机号码|电话"},
    {"channels", false, "channel|渠道|通知渠道"},
    {"feishu_open_id", false, "open_id|飞书open_id|飞书id"},
    {"quiet_hours", false, "免打扰|免打扰时段|静默时段"},
};

std::string Names(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// feishu open_id: "ou_" and letters, digits or '_'.
bool IsOpenId(std::string_view s) {
  if (s.size() <= 3 || s.substr(0, 3) != "ou_") return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                    (c >= 'A' && c <= 'Z') || c == '_';
    if (!ok) return false;
  }
  return true;
}

void CheckUnitAndRole(const SheetRow& row, const ContactContext& ctx, RowErrors& errs) {
  const std::string& unit = row[kUnit];
  if (unit.empty()) {
    errs.Add(kUnit, Bilingual("所属单位为空", "unit_id is empty"));
  } else if (!ctx.units.contains(unit)) {
    std::set<std::string> ids;
    for (const auto& [id, level] : ctx.units) ids.insert(id);
    const std::string near = Closest(unit, ids);
    errs.Add(kUnit, Bilingual(fmt::format("所属单位 '{}' 不存在{}", unit, SuggestZh(near)),
                              fmt::format("unit '{}' is not known{}", unit, SuggestEn(near))));
  }
  const std::string& role = row[kRole];
  if (role.empty()) {
    errs.Add(kRole, Bilingual("角色为空", "role is empty"));
  } else if (!ctx.roles.empty() && !ctx.roles.contains(role)) {
    const std::string near = Closest(role, ctx.roles);
    errs.Add(kRole, Bilingual(fmt::format("角色 '{}' 不是本活动声明的角色（{}）{}", role,
                                          Names(ctx.roles), SuggestZh(near)),
                              fmt::format("role '{}' is not one the campaign declares: {}{}",
                                          role, Names(ctx.roles), SuggestEn(near))));
  }
}

void CheckChannels(const SheetRow& row, const ContactContext& ctx, model::Contact& c,
                   RowErrors& errs) {
  c.channels = SplitList(row[kChannels]);
  for (const std::string& ch : c.channels) {
    if (!ctx.channels.empty() && !ctx.channels.contains(ch)) {
      const std::string near = Closest(ch, ctx.channels);
      errs.Add(kChannels,
               Bilingual(fmt::format("渠道 '{}' 未配置（已配置: {}）{}", ch,
                                     Names(ctx.channels), SuggestZh(near)),
                         fmt::format("channel '{}' is not configured; configured: {}{}", ch,
                                     Names(ctx.channels), SuggestEn(near))));
    }
    if (ctx.mobile_channels.contains(ch) && row[kMobile].empty()) {
      errs.Add(kMobile, Bilingual(fmt::format("渠道 '{}' 需要手机号，但手机号为空", ch),
                                  fmt::format("channel '{}' needs a mobile number, but mobile "
                                              "is empty",
                                              ch)));
    }
  }
}

}  // namespace

ContactImport ParseContacts(std::string_view bytes, std::string_view file_name,
                            const ContactContext& ctx) {
  ContactImport result;
  result.file = std::string(file_name);
  const std::vector<SheetRow> rows = ReadSheet(bytes, kContactColumns, result);
  std::map<std::string, int> first_row;
  for (const SheetRow& row : rows) {
    RowErrors errs(row, result.rejections);
    model::Contact c;
    c.id = row[kId];
    c.unit_id = row[kUnit];
    c.role = row[kRole];
    c.name = row[kName];
    c.feishu_open_id = row[kOpenId];
    CheckNewId(row, kId, errs, first_row);
    CheckUnitAndRole(row, ctx, errs);
    if (c.name.empty()) errs.Add(kName, Bilingual("姓名为空", "name is empty"));
    if (!row[kMobile].empty()) {
      Result<std::string> mobile = NormalizeMobile(row[kMobile]);
      if (mobile.ok()) {
        c.mobile = *mobile;
      } else {
        errs.Add(kMobile, mobile.status().message());
      }
    }
    CheckChannels(row, ctx, c, errs);
    if (!c.feishu_open_id.empty() && !IsOpenId(c.feishu_open_id)) {
      errs.Add(kOpenId,
               Bilingual(fmt::format("飞书 open_id '{}' 应以 ou_ 开头，只含字母、数字和下划线",
                                     c.feishu_open_id),
                         fmt::format("feishu_open_id '{}' must start with ou_ and hold only "
                                     "letters, digits and _",
                                     c.feishu_open_id)));
    }
    if (!row[kQuiet].empty()) {
      if (const auto quiet = ParseQuietHours(row[kQuiet])) {
        c.quiet_start_min = quiet->first;
        c.quiet_end_min = quiet->second;
      } else {
        errs.Add(kQuiet,
                 Bilingual(fmt::format("免打扰时段 '{}' 应写成 HH:MM-HH:MM，如 21:00-08:00",
                                       row[kQuiet]),
                           fmt::format("quiet_hours '{}' must look like 21:00-08:00",
                                       row[kQuiet])));
      }
    }
    if (!errs.any()) result.records.push_back(std::move(c));
  }
  SortRejections(result.rejections);
  return result;
}

}  // namespace duban::importer
