#include "notify/channels/sms_params.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/diagnostic.h"
#include "notify/channels/text_util.h"
#include "render/render.h"

namespace duban::notify {
namespace {

constexpr std::string_view kEllipsis = "…";

std::string SnippetName(const std::string& kind, const std::string& param) {
  return kind + "/" + param;
}

std::string Scalar(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// The distinct values of `field` in context[list], in order of appearance.
std::vector<std::string> ListValues(const SmsParam& p, const nlohmann::json& context) {
  std::vector<std::string> out;
  if (!context.is_object() || !context.contains(p.list) || !context[p.list].is_array()) return out;
  for (const auto& element : context[p.list]) {
    if (!element.is_object() || !element.contains(p.field)) continue;
    std::string v = Scalar(element[p.field]);
    if (v.empty() || std::find(out.begin(), out.end(), v) != out.end()) continue;
    out.push_back(std::move(v));
  }
  return out;
}

std::string Join(const std::vector<std::string>& values, size_t n, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < n && i < values.size(); ++i) {
    if (i > 0) out += sep;
    out += values[i];
  }
  return out;
}

}  // namespace

std::string ShortenScalar(std::string_view value, size_t max_chars) {
  if (Utf8Length(value) <= max_chars) return std::string(value);
  if (max_chars == 0) return "";
  std::string head = Utf8PrefixChars(value, max_chars - 1);
  // A cut right after a separator or space reads badly: "上村、…".
  while (!head.empty() && (head.back() == ' ' || head.back() == ',')) head.pop_back();
  return head + std::string(kEllipsis);
}

std::string ShortenList(const std::vector<std::string>& values, size_t max_chars,
                        std::string_view separator, std::string_view counter) {
  const std::string all = Join(values, values.size(), separator);
  if (Utf8Length(all) <= max_chars) return all;
  if (values.size() == 1) return ShortenScalar(all, max_chars);
  const std::string tail = fmt::format("等{}{}", values.size(), counter);
  for (size_t k = values.size() - 1; k >= 1; --k) {
    const std::string candidate = Join(values, k, separator) + tail;
    if (Utf8Length(candidate) <= max_chars) return candidate;
  }
  const std::string count_only = fmt::format("{}{}", values.size(), counter);
  if (Utf8Length(count_only) <= max_chars) return count_only;
  return ShortenScalar(all, max_chars);
}

SmsTemplates::SmsTemplates() = default;
SmsTemplates::~SmsTemplates() = default;
SmsTemplates::SmsTemplates(SmsTemplates&&) noexcept = default;
SmsTemplates& SmsTemplates::operator=(SmsTemplates&&) noexcept = default;

Result<SmsTemplates> SmsTemplates::Compile(std::map<std::string, SmsTemplate> by_kind) {
  std::map<std::string, std::string> texts;
  for (const auto& [kind, tpl] : by_kind) {
    if (tpl.code.empty()) {
      return Status::InvalidArgument(fmt::format("SMS template for '{}' has no code", kind));
    }
    for (const auto& p : tpl.params) {
      const std::string where = kind + "." + p.name;
      if (p.max_chars == 0) return Status::InvalidArgument(where + ": max must be at least 1");
      if (p.is_list() == !p.from.empty()) {
        return Status::InvalidArgument(where + ": give either `from` (a mustache snippet) or "
                                               "`field` (a list parameter), not both or neither");
      }
      if (!p.is_list()) texts[SnippetName(kind, p.name)] = p.from;
    }
  }
  Diagnostics diags;
  SmsTemplates out;
  out.snippets_ = render::TemplateSet::FromMap(texts, &diags);
  if (diags.has_errors()) {
    const Diagnostic& d = diags.items().front();
    return Status::InvalidArgument(fmt::format("SMS parameter {}: {}", d.file, d.message));
  }
  out.by_kind_ = std::move(by_kind);
  return out;
}

Result<SmsMessage> SmsTemplates::Render(const std::string& kind,
                                        const nlohmann::json& context) const {
  auto it = by_kind_.find(kind);
  if (it == by_kind_.end()) return Status::NotFound("no SMS template code for message kind", kind);
  SmsMessage msg;
  msg.code = it->second.code;
  for (const auto& p : it->second.params) {
    std::string value;
    if (p.is_list()) {
      value = ShortenList(ListValues(p, context), p.max_chars, p.separator, p.counter);
    } else {
      auto r = snippets_->Render(SnippetName(kind, p.name), context);
      if (!r.ok()) return r.status();
      // Providers reject line breaks in variables; a snippet may have some.
      std::string flat = *r;
      std::replace(flat.begin(), flat.end(), '\n', ' ');
      value = ShortenScalar(flat, p.max_chars);
    }
    msg.params.emplace_back(p.name, std::move(value));
  }
  return msg;
}

std::vector<SmsTemplates::Problem> SmsTemplates::Check(const nlohmann::json& sample) const {
  std::vector<Problem> problems;
  for (const auto& entry : by_kind_) {
    // Not a structured binding: clang 14 cannot capture one (in `missing`).
    const auto& kind = entry.first;
    const auto& tpl = entry.second;
    for (const auto& p : tpl.params) {
      const std::string where = fmt::format("{} ({}).{}", kind, tpl.code, p.name);
      auto missing = [&](std::string what) {
        problems.push_back({kind, p.name, false, fmt::format("{}: {}", where, what)});
      };
      std::string full;
      if (p.is_list()) {
        if (!sample.contains(p.list) || !sample[p.list].is_array()) {
          missing(fmt::format("the context has no list '{}'", p.list));
          continue;
        }
        const auto values = ListValues(p, sample);
        if (values.empty()) {
          missing(fmt::format("no element of '{}' has a field '{}'", p.list, p.field));
          continue;
        }
        full = Join(values, values.size(), p.separator);
      } else {
        const std::string name = SnippetName(kind, p.name);
        for (const auto& var : snippets_->Variables(name)) {
          if (!sample.contains(var)) {
            missing(fmt::format("variable '{}' is not in the message context", var));
          }
        }
        auto r = snippets_->Render(name, sample);
        if (!r.ok()) {
          missing(r.status().message());
          continue;
        }
        full = *r;
        if (full.empty()) {
          missing("renders empty for the sample message");
          continue;
        }
      }
      const size_t len = Utf8Length(full);
      if (len > p.max_chars) {
        const std::string shortened =
            p.is_list() ? ShortenList(ListValues(p, sample), p.max_chars, p.separator, p.counter)
                        : ShortenScalar(full, p.max_chars);
        problems.push_back(
            {kind, p.name, true,
             fmt::format("{}: {} characters for the sample, over its max of {}; it will be sent "
                         "as \"{}\"",
                         where, len, p.max_chars, shortened)});
      }
    }
  }
  return problems;
}

nlohmann::json SampleSmsContext() {
  nlohmann::json items = nlohmann::json::array();
  int id = 101;
  for (const char* unit : {"上村", "下村", "东村", "西村", "北村"}) {
    items.push_back({{"campaign", "嘉丰镇自建房安全专项整治百日攻坚行动"},
                     {"item_id", id++},
                     {"unit", unit},
                     {"unit_id", std::string("sample-") + unit},
                     {"title", "工作周报"},
                     {"period", "2024-06-28"},
                     {"due", "6月28日（周五）12:00"},
                     {"overdue", "2天"},
                     {"overdue_hours", 50},
                     {"days_left", 3},
                     {"open_count", 4},
                     {"last", false}});
  }
  items.back()["last"] = true;
  nlohmann::json ctx = items.front();
  ctx["items"] = items;
  ctx["count"] = items.size();
  ctx["recipient"] = {{"name", "张三"}, {"role", "liaison"}};
  return ctx;
}

}  // namespace duban::notify
