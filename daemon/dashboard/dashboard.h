// The supervisor dashboard's building blocks: the page layout (navigation,
// viewer, CSRF field), tables, cards and SVG charts rendered on the server.
// Pure functions over plain values; api/ gathers the data and composes the
// pages. Every text argument is plain text and is escaped here, except
// arguments named `html`, which callers build from these functions.
//
// No scripts and no external resources: the pages work with JavaScript
// off, under a Content-Security-Policy of default-src 'none', at 360 px
// wide, and printed (charts carry their numbers as text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duban::dashboard {

// Escapes & < > " ' for HTML text and attribute values.
std::string Escape(std::string_view text);

// Percent-encodes a query parameter value (UTF-8 bytes).
std::string UrlEncode(std::string_view text);

// What every page shows around its body.
struct Layout {
  std::string title;        // page heading and <title>
  std::string active;       // the nav entry to highlight: "overview", "overdue", ...
  std::string viewer;       // "县专班 · 沁水县"
  std::string campaign;     // campaign id, carried in nav links
  std::string campaign_title;
  std::vector<std::pair<std::string, std::string>> campaigns;  // id, title (a switcher when >1)
  std::string now_text;     // the campaign clock: "2024-05-24 11:55 周五"
  std::string csrf;         // the session's CSRF token (logout form)
  bool admin = false;
};

// A whole HTML page: head, navigation, heading, `body_html`.
std::string RenderPage(const Layout& layout, std::string_view body_html);
// The login form; `error` above it when not empty; `next` a local path to
// return to after login.
std::string RenderLogin(std::string_view error, std::string_view next);
// A page with one heading and one paragraph (errors, confirmations).
std::string RenderMessage(std::string_view heading, std::string_view text,
                          std::string_view back_href = "/");

// <input type=hidden name=csrf value=…>.
std::string CsrfField(std::string_view csrf);
// <a href=…>text</a>.
std::string Link(std::string_view href, std::string_view text);
// A coloured label: kind is ok, warn, bad, muted or info.
std::string Badge(std::string_view text, std::string_view kind);
// A figure with its label; `testid` names it for tests (data-testid).
std::string Card(std::string_view label, std::string_view value, std::string_view testid,
                 std::string_view kind = "", std::string_view href = "");
// Long text in a table cell: wraps (other cells stay on one line on a phone).
std::string Wrap(std::string_view text);
// A section with a heading around `html`.
std::string Section(std::string_view heading, std::string_view html, std::string_view id = "");

// A table; cells are HTML (build them with Escape/Link/Badge). Wide tables
// scroll sideways inside their box on a phone instead of widening the page.
struct Table {
  std::string testid;
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_class;  // per row, optional
  std::string empty_text = "暂无";
  bool numeric_right = true;  // right-align cells that look like numbers
};
std::string RenderTable(const Table& table);

// --- Charts (SVG, server-side). Each prints its numbers next to its marks
// so it reads without colour, and has a <title> for screen readers.

struct Bar {
  std::string label;
  int64_t value = 0;
  std::string href;  // optional link on the label
};
// Horizontal bars, longest first as given; fits 360 px.
std::string BarChart(std::string_view title, const std::vector<Bar>& bars,
                     std::string_view unit_text);

struct StackPart {
  std::string name;  // legend: 按时
  std::string kind;  // colour class: ok, warn, bad, muted
};
struct Stack {
  std::string label;            // x axis: 04-12
  std::vector<int64_t> values;  // one per part
};
// Vertical stacked columns (e.g. reports per week: on time, late, missing).
std::string StackedColumns(std::string_view title, const std::vector<StackPart>& parts,
                           const std::vector<Stack>& stacks);

// A line over days (e.g. cases closed so far) against a target: a
// horizontal line at `target` and a vertical marker at the deadline.
struct LineChartSpec {
  std::string title;
  std::vector<std::string> x_labels;  // one per point: "04-01"
  std::vector<int64_t> values;        // cumulative, one per point
  int64_t target = 0;                 // 0: no target line
  std::string target_label;           // "应完成 12"
  std::optional<size_t> deadline_index;  // x position of the deadline
  std::string deadline_label;            // "6月30日"
};
std::string LineChart(const LineChartSpec& spec);

}  // namespace duban::dashboard
