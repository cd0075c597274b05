#include "api/link_page.h"

#include <fmt/format.h>

#include <charconv>

#include "dashboard/dashboard.h"

namespace duban::api {
namespace {

// One stylesheet for every page: readable at 360 px without zooming, large
// touch targets, system fonts only.
constexpr std::string_view kStyle =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4f6;color:#111;font:16px/1.5 -apple-system,'PingFang SC',"
    "'Microsoft YaHei','Noto Sans CJK SC',sans-serif}"
    "main{max-width:360px;margin:0 auto;padding:12px}"
    "h1{font-size:20px;margin:8px 0 4px}"
    ".sub{color:#555;font-size:14px;margin:0 0 12px}"
    ".card{background:#fff;border-radius:8px;padding:12px;margin:0 0 12px}"
    "label{display:block;font-size:14px;margin:10px 0 4px}"
    "input[type=number],input[type=text],input[type=date],select,textarea{width:100%;"
    "font-size:16px;padding:8px;border:1px solid #bbb;border-radius:6px;background:#fff}"
    "textarea{min-height:88px}"
    ".check{display:flex;align-items:center;gap:8px}"
    ".check input{width:22px;height:22px}"
    ".err{color:#b91c1c;font-size:13px;margin:2px 0 0}"
    ".banner{background:#fef2f2;color:#991b1b;border-radius:6px;padding:8px;margin:0 0 12px}"
    ".late{background:#fffbeb;color:#92400e;border-radius:6px;padding:8px;margin:0 0 12px}"
    "button{width:100%;font-size:18px;padding:12px;border:0;border-radius:8px;"
    "background:#1d4ed8;color:#fff;margin-top:12px}"
    "dl{margin:0}dt{color:#555;font-size:13px}dd{margin:0 0 8px}"
    ".ok h1{color:#15803d}.bad h1{color:#b91c1c}";

std::string Head(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta name=\"referrer\" content=\"same-origin\">"
      "<title>{} · 督办</title><style>{}</style></head>",
      HtmlEscape(title), kStyle);
}

std::string Input(const PageField& f) {
  const workflow::FieldSpec& s = *f.spec;
  const std::string name = "f_" + s.name;
  const std::string req = s.required ? " required" : "";
  const std::string value = HtmlEscape(f.value);
  switch (s.type) {
    case workflow::FieldType::kInt: {
      std::string bounds;
      if (s.min) bounds += fmt::format(" min=\"{}\"", *s.min);
      if (s.max) bounds += fmt::format(" max=\"{}\"", *s.max);
      return fmt::format(
          "<input type=\"number\" inputmode=\"numeric\" step=\"1\" id=\"{0}\" name=\"{0}\" "
          "value=\"{1}\"{2}{3}>",
          name, value, bounds, req);
    }
    case workflow::FieldType::kDate:
      return fmt::format("<input type=\"date\" id=\"{0}\" name=\"{0}\" value=\"{1}\"{2}>", name,
                         value, req);
    case workflow::FieldType::kBool:
      return fmt::format("<span class=\"check\"><input type=\"checkbox\" id=\"{0}\" name=\"{0}\" "
                         "value=\"1\"{1}> 是</span>",
                         name, f.value == "1" ? " checked" : "");
    case workflow::FieldType::kEnum: {
      std::string out = fmt::format("<select id=\"{0}\" name=\"{0}\"{1}>", name, req);
      out += "<option value=\"\">请选择</option>";
      for (const auto& v : s.values) {
        out += fmt::format("<option value=\"{}\"{}>{}</option>", HtmlEscape(v.value),
                           v.value == f.value ? " selected" : "", HtmlEscape(v.label));
      }
      return out + "</select>";
    }
    case workflow::FieldType::kText:
      break;
  }
  const std::string maxlen = s.max_length ? fmt::format(" maxlength=\"{}\"", *s.max_length) : "";
  if (!s.max_length || *s.max_length > 100) {
    return fmt::format("<textarea id=\"{0}\" name=\"{0}\"{1}{2}>{3}</textarea>", name, maxlen,
                       req, value);
  }
  return fmt::format("<input type=\"text\" id=\"{0}\" name=\"{0}\" value=\"{1}\"{2}{3}>", name,
                     value, maxlen, req);
}

std::string Field(const PageField& f) {
  std::string out = fmt::format("<label for=\"f_{}\">{}{}</label>", HtmlEscape(f.spec->name),
                                HtmlEscape(f.spec->label), f.spec->required ? " *" : "");
  out += Input(f);
  if (!f.error.empty()) out += fmt::format("<p class=\"err\">{}</p>", HtmlEscape(f.error));
  return out;
}

std::string Banner(const std::string& error) {
  return error.empty() ? "" : fmt::format("<p class=\"banner\">{}</p>", HtmlEscape(error));
}

}  // namespace

std::string HtmlEscape(std::string_view text) { return dashboard::Escape(text); }

std::string RenderReportPage(const ReportPage& p) {
  std::string out = Head(p.title);
  out += "<body><main>";
  out += fmt::format("<h1>{}</h1><p class=\"sub\">{} · {} · {}</p>", HtmlEscape(p.title),
                     HtmlEscape(p.unit), HtmlEscape(p.contact), HtmlEscape(p.campaign));
  out += fmt::format("<div class=\"card\"><dl><dt>报送期</dt><dd>{}</dd><dt>截止时间</dt><dd>{}</dd>"
                     "</dl></div>",
                     HtmlEscape(p.period), HtmlEscape(p.due));
  if (p.late) out += "<p class=\"late\">已过截止时间，现在报送将记录为迟报。</p>";
  out += Banner(p.error);
  out += "<form method=\"post\" class=\"card\">";
  out += fmt::format("<input type=\"hidden\" name=\"t\" value=\"{}\">", HtmlEscape(p.token));
  for (const auto& f : p.fields) out += Field(f);
  out += "<button type=\"submit\">确认已报送</button></form>";
  out += "</main></body></html>";
  return out;
}

std::string RenderAckPage(const AckPage& p) {
  std::string out = Head(p.title);
  out += "<body><main>";
  out += fmt::format("<h1>{}</h1><p class=\"sub\">{}{}{} · {}</p>", HtmlEscape(p.title),
                     HtmlEscape(p.unit), p.department.empty() ? "" : " → ",
                     HtmlEscape(p.department), HtmlEscape(p.contact));
  out += "<div class=\"card\"><dl>";
  out += fmt::format("<dt>状态</dt><dd>{}</dd>", HtmlEscape(p.state));
  if (!p.due.empty()) out += fmt::format("<dt>办理期限</dt><dd>{}</dd>", HtmlEscape(p.due));
  for (const auto& [label, value] : p.facts) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>", HtmlEscape(label), HtmlEscape(value));
  }
  out += "</dl></div>";
  out += Banner(p.error);
  out += "<form method=\"post\">";
  out += fmt::format("<input type=\"hidden\" name=\"t\" value=\"{}\">", HtmlEscape(p.token));
  out += "<button type=\"submit\">确认签收</button></form>";
  out += "</main></body></html>";
  return out;
}

std::string RenderMessagePage(std::string_view heading, std::string_view text, bool ok) {
  std::string out = Head(heading);
  out += fmt::format("<body class=\"{}\"><main><h1>{}</h1><div class=\"card\"><p>{}</p></div>"
                     "</main></body></html>",
                     ok ? "ok" : "bad", HtmlEscape(heading), HtmlEscape(text));
  return out;
}

workflow::FieldValues ParseForm(const workflow::FieldSet& set,
                                const std::multimap<std::string, std::string>& form,
                                std::vector<workflow::FieldError>* errors) {
  workflow::FieldValues out;
  for (const auto& spec : set.fields) {
    auto it = form.find("f_" + spec.name);
    std::string value = it == form.end() ? "" : it->second;
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r' || value.back() == '\n')) {
      value.pop_back();
    }
    size_t lead = 0;
    while (lead < value.size() && value[lead] == ' ') ++lead;
    value.erase(0, lead);
    if (spec.type == workflow::FieldType::kBool) {
      out[spec.name] = !value.empty() && value != "0";
      continue;
    }
    if (value.empty()) continue;
    if (spec.type == workflow::FieldType::kInt) {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        errors->push_back({spec.name, "请填写整数"});
        continue;
      }
      out[spec.name] = n;
      continue;
    }
    out[spec.name] = value;
  }
  return out;
}

}  // namespace duban::api
