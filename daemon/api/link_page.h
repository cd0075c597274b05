// The small mobile pages behind one-tap action links: a form to confirm a
// report ("已报送") with the week's figures, a button to acknowledge a
// transfer, and the pages that say a link is done, expired or invalid.
// 360 px wide, Chinese, inline CSS, no external resources, no scripts.
// Pure functions; any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workflow/fields.h"

namespace duban::api {

std::string HtmlEscape(std::string_view text);

// One form field with the value to show and the error to show under it.
struct PageField {
  const workflow::FieldSpec* spec = nullptr;
  std::string value;
  std::string error;
};

struct ReportPage {
  std::string token;       // the link token, posted back in a hidden field
  std::string title;       // obligation title: 百日攻坚工作周报
  std::string campaign;    // campaign title
  std::string unit;        // 嘉峰村
  std::string contact;     // 陈晓东
  std::string period;      // 2024-04-12
  std::string due;         // 2024-04-12 12:00 周五
  bool late = false;       // past due: the report is recorded as late
  std::vector<PageField> fields;
  std::string error;       // a message above the form
};

struct AckPage {
  std::string token;
  std::string title;       // 移送问题
  std::string unit;        // the owner: 嘉峰村
  std::string department;  // 嘉峰市场监管所, "" when none
  std::string contact;
  std::string state;       // state label
  std::string due;
  std::vector<std::pair<std::string, std::string>> facts;  // label, value
  std::string error;
};

std::string RenderReportPage(const ReportPage& page);
std::string RenderAckPage(const AckPage& page);
// A page with one heading and one paragraph; `ok` picks the colour.
std::string RenderMessagePage(std::string_view heading, std::string_view text, bool ok);

// Reads the fields of `set` from a posted form (inputs named "f_<name>"):
// whole numbers, text, dates, enum values and checkboxes (absent = false).
// Values that cannot be read are reported in `errors` and left out; empty
// inputs are left out (Validate then reports required ones).
workflow::FieldValues ParseForm(const workflow::FieldSet& set,
                                const std::multimap<std::string, std::string>& form,
                                std::vector<workflow::FieldError>* errors);

}  // namespace duban::api
