#include <fmt/format.h>

#include <cctype>

#include "dashboard/dashboard.h"

namespace duban::dashboard {
namespace {

// One stylesheet, inline (CSP allows inline styles only). System fonts;
// tables scroll inside their box; print hides navigation and forms.
constexpr std::string_view kStyle =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4f6;color:#111;font:15px/1.5 -apple-system,'PingFang SC',"
    "'Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif}"
    "a{color:#1d4ed8}"
    "header{background:#1e3a8a;color:#fff;padding:8px 12px}"
    "header .top{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:baseline;"
    "justify-content:space-between;max-width:1200px;margin:0 auto}"
    "header .brand{font-weight:bold;font-size:17px}"
    "header .who{font-size:13px;opacity:.9}"
    "header form{display:inline}"
    "header button{background:none;border:1px solid #93c5fd;color:#fff;border-radius:4px;"
    "padding:1px 8px;font-size:13px;cursor:pointer}"
    "nav{background:#fff;border-bottom:1px solid #ddd;overflow-x:auto;white-space:nowrap}"
    "nav .in{max-width:1200px;margin:0 auto;padding:0 6px}"
    "nav a{display:inline-block;padding:10px 8px;text-decoration:none;color:#333}"
    "nav a.on{color:#1d4ed8;border-bottom:3px solid #1d4ed8;font-weight:bold}"
    "main{max-width:1200px;margin:0 auto;padding:12px}"
    "h1{font-size:20px;margin:4px 0 12px}"
    "h2{font-size:16px;margin:0 0 8px}"
    "section{background:#fff;border-radius:8px;padding:12px;margin:0 0 12px}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;"
    "margin:0 0 12px}"
    ".card{background:#fff;border-radius:8px;padding:10px 12px;border-left:4px solid #94a3b8;"
    "text-decoration:none;color:#111;display:block}"
    ".card .v{font-size:24px;font-weight:bold}.card .l{font-size:13px;color:#555}"
    ".card.ok{border-color:#16a34a}.card.warn{border-color:#d97706}"
    ".card.bad{border-color:#dc2626}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;vertical-align:top}"
    "th{background:#f8fafc;white-space:nowrap;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.total td{font-weight:bold;background:#f8fafc}"
    "td:first-child{white-space:nowrap}"
    ".badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;"
    "white-space:nowrap;border:1px solid transparent}"
    ".badge.ok{background:#dcfce7;color:#166534}.badge.warn{background:#fef3c7;color:#92400e}"
    ".badge.bad{background:#fee2e2;color:#991b1b}.badge.muted{background:#f1f5f9;color:#475569}"
    ".badge.info{background:#dbeafe;color:#1e40af}"
    ".grid td{text-align:center;padding:4px}.grid td.u{text-align:left;white-space:nowrap}"
    ".grid a{text-decoration:none}"
    ".muted{color:#666;font-size:13px}"
    ".err{background:#fef2f2;color:#991b1b;border-radius:6px;padding:8px;margin:0 0 12px}"
    ".okmsg{background:#f0fdf4;color:#166534;border-radius:6px;padding:8px;margin:0 0 12px}"
    "form.inline{display:inline}"
    "button,.btn{font-size:14px;padding:6px 12px;border:0;border-radius:6px;background:#1d4ed8;"
    "color:#fff;cursor:pointer;text-decoration:none;display:inline-block}"
    "input[type=password],input[type=text],select{font-size:16px;padding:8px;"
    "border:1px solid #bbb;border-radius:6px;width:100%}"
    ".login{max-width:360px;margin:40px auto;background:#fff;border-radius:8px;padding:16px}"
    ".login button{width:100%;font-size:17px;padding:10px;margin-top:12px}"
    ".tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 8px}"
    "svg{max-width:100%;height:auto;display:block}"
    "svg.chart{width:100%;max-width:640px}"
    "svg text{font-size:14px;fill:#111}"
    ".c-ok{fill:#16a34a}.c-warn{fill:#d97706}.c-bad{fill:#dc2626}.c-muted{fill:#cbd5e1}"
    ".c-info{fill:#2563eb}"
    "dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 12px;margin:0}"
    "dl.facts dt{color:#555}dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}"
    ".wrap{min-width:12em;max-width:40em;white-space:normal;overflow-wrap:anywhere}"
    "@media (max-width:600px){main{padding:8px}h1{font-size:18px}td{white-space:nowrap}"
    "section{padding:8px}dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:6px}}"
    "@media print{header,nav,form,.tools{display:none}body{background:#fff}"
    "section{border:1px solid #ccc;break-inside:avoid}}";

struct NavEntry {
  const char* id;
  const char* path;
  const char* label;
};
constexpr NavEntry kNav[] = {
    {"overview", "/", "总览"},          {"overdue", "/overdue", "逾期事项"},
    {"compliance", "/compliance", "周报报送"}, {"laggards", "/laggards", "落后排名"},
    {"transfers", "/transfers", "移送办理"},  {"table", "/table", "摸排情况表"},
    {"progress", "/progress", "阶段进度"},    {"outbox", "/outbox", "消息发送"},
};

std::string Head(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta name=\"referrer\" content=\"same-origin\"><link rel=\"icon\" href=\"data:,\">"
      "<title>{} · 督办</title><style>{}</style></head>",
      Escape(title), kStyle);
}

bool LooksNumeric(std::string_view cell) {
  if (cell.empty()) return false;
  for (char c : cell) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '%') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string RenderPage(const Layout& l, std::string_view body_html) {
  std::string out = Head(l.title);
  const std::string q = l.campaign.empty() ? "" : "?c=" + UrlEncode(l.campaign);
  out += "<body><header><div class=\"top\"><span class=\"brand\">督办 · ";
  out += Escape(l.campaign_title);
  out += "</span><span class=\"who\" data-testid=\"viewer\">";
  out += Escape(l.viewer);
  if (!l.now_text.empty()) out += " · " + Escape(l.now_text);
  out += " <form method=\"post\" action=\"/logout\">" + CsrfField(l.csrf) +
         "<button type=\"submit\">退出</button></form></span></div></header><nav><div class=\"in\">";
  for (const auto& e : kNav) {
    out += fmt::format("<a href=\"{}{}\"{}>{}</a>", e.path, Escape(q),
                       l.active == e.id ? " class=\"on\" aria-current=\"page\"" : "", e.label);
  }
  if (l.campaigns.size() > 1) {
    for (const auto& [id, title] : l.campaigns) {
      if (id == l.campaign) continue;
      out += fmt::format("<a href=\"/?c={}\">切换：{}</a>", Escape(UrlEncode(id)), Escape(title));
    }
  }
  out += "</div></nav><main><h1>";
  out += Escape(l.title);
  out += "</h1>";
  out += body_html;
  out += "</main></body></html>";
  return out;
}

std::string RenderLogin(std::string_view error, std::string_view next) {
  std::string out = Head("登录");
  out += "<body><div class=\"login\"><h1>督办 · 登录</h1>";
  if (!error.empty()) out += "<p class=\"err\" role=\"alert\">" + Escape(error) + "</p>";
  out += "<form method=\"post\" action=\"/login\"><label for=\"token\">访问令牌</label>"
         "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" "
         "placeholder=\"dbn_t_…\" required>";
  out += "<input type=\"hidden\" name=\"next\" value=\"" + Escape(next) + "\">";
  out += "<button type=\"submit\">登录</button></form>"
         "<p class=\"muted\">令牌由管理员用 <code>duban token create</code> 生成，"
         "只显示一次，请妥善保存。登录后12小时内有效。</p></div></body></html>";
  return out;
}

std::string RenderMessage(std::string_view heading, std::string_view text,
                          std::string_view back_href) {
  std::string out = Head(heading);
  out += "<body><div class=\"login\"><h1>" + Escape(heading) + "</h1><p>" + Escape(text) +
         "</p><p><a href=\"" + Escape(back_href) + "\">返回</a></p></div></body></html>";
  return out;
}

std::string CsrfField(std::string_view csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(csrf) + "\">";
}

std::string Link(std::string_view href, std::string_view text) {
  return "<a href=\"" + Escape(href) + "\">" + Escape(text) + "</a>";
}

std::string Badge(std::string_view text, std::string_view kind) {
  return "<span class=\"badge " + Escape(kind) + "\">" + Escape(text) + "</span>";
}

std::string Card(std::string_view label, std::string_view value, std::string_view testid,
                 std::string_view kind, std::string_view href) {
  const std::string tag = href.empty() ? "div" : "a";
  std::string out = "<" + tag + " class=\"card " + Escape(kind) + "\"";
  if (!href.empty()) out += " href=\"" + Escape(href) + "\"";
  out += "><div class=\"v\" data-testid=\"" + Escape(testid) + "\">" + Escape(value) +
         "</div><div class=\"l\">" + Escape(label) + "</div></" + tag + ">";
  return out;
}

std::string Wrap(std::string_view text) { return "<div class=\"wrap\">" + Escape(text) + "</div>"; }

std::string Section(std::string_view heading, std::string_view html, std::string_view id) {
  std::string out = "<section";
  if (!id.empty()) out += " id=\"" + Escape(id) + "\"";
  out += "><h2>" + Escape(heading) + "</h2>";
  out += html;
  out += "</section>";
  return out;
}

std::string RenderTable(const Table& t) {
  std::string out = "<div class=\"scroll\"><table";
  if (!t.testid.empty()) out += " data-testid=\"" + Escape(t.testid) + "\"";
  out += "><thead><tr>";
  for (const auto& h : t.head) out += "<th>" + Escape(h) + "</th>";
  out += "</tr></thead><tbody>";
  if (t.rows.empty()) {
    out += fmt::format("<tr><td colspan=\"{}\" class=\"muted\">{}</td></tr>",
                       std::max<size_t>(1, t.head.size()), Escape(t.empty_text));
  }
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const std::string cls = i < t.row_class.size() ? t.row_class[i] : "";
    out += cls.empty() ? "<tr>" : "<tr class=\"" + Escape(cls) + "\">";
    for (const auto& cell : t.rows[i]) {
      out += t.numeric_right && LooksNumeric(cell) ? "<td class=\"n\">" : "<td>";
      out += cell;
      out += "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

}  // namespace duban::dashboard
