// Template rendering: render::TemplateSet over an arbitrary template and an
// arbitrary context. The input is the template text, then the separator
// line "--- data ---", then the context as JSON; without the separator the
// whole input is the template. When the data is not a JSON object, the data
// text itself becomes the context value "s".
//
// Properties: a template either loads or yields a diagnostic; a loaded one
// renders to text or a kInvalidArgument, never an exception; text without
// tags renders as itself; the repository's own templates render against
// any context; and a value is substituted verbatim: not escaped and not
// expanded again, so "{{x}}" inside a submitted field stays literal.
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "render/render.h"

namespace {

using namespace duban;
using nlohmann::json;

constexpr std::string_view kSeparator = "\n--- data ---\n";

// Shapes from templates/: sections over lists, inverted sections, dotted
// names, the implicit iterator and unescaped forms.
const std::map<std::string, std::string>& RealTemplates() {
  static const std::map<std::string, std::string> kTexts = {
      {"item_overdue.sms",
       "【{{campaign}}】{{recipient.name}}：{{unit}}「{{title}}」（编号{{item_id}}"
       "{{#department}}，移送{{department}}{{/department}}）{{#reopened}}（重新整治）"
       "{{/reopened}}已逾期{{overdue}}（应于{{due}}完成）{{#more}}，另有{{more}}项逾期"
       "{{/more}}，请立即办理。"},
      {"monthly_summary.markdown",
       "### {{title}}：{{unit}}\n{{#laggards}}- {{unit}}：{{why}}（计{{score}}分）\n"
       "{{/laggards}}{{^laggards}}- 无\n{{/laggards}}"},
      {"digest.text", "{{#items}}- {{.}} {{{unit}}} {{&title}}\n{{/items}}{{! comment }}"},
      {"verbatim", "{{s}}"},
      {"verbatim_triple", "{{{s}}}"},
      {"verbatim_amp", "{{& s}}"},
  };
  return kTexts;
}

void CheckTemplate(const std::string& text, const json& context) {
  Diagnostics diags;
  auto set = render::TemplateSet::FromMap({{"t", text}}, &diags);
  FUZZ_CHECK(set->Has("t") == !diags.has_errors());
  if (!set->Has("t")) {
    FUZZ_CHECK(diags.items().size() == 1);
    return;
  }
  (void)set->Variables("t");
  auto out = set->Render("t", context);
  if (!out.ok()) {
    FUZZ_CHECK(out.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  if (text.find("{{") == std::string::npos) FUZZ_CHECK(*out == text);
}

void CheckData(const json& context) {
  Diagnostics diags;
  auto set = render::TemplateSet::FromMap(RealTemplates(), &diags);
  FUZZ_CHECK(!diags.has_errors());
  for (const auto& [name, text] : RealTemplates()) {
    auto out = set->Render(name, context);
    FUZZ_CHECK(out.ok());
  }
  auto s = context.find("s");
  if (s != context.end() && s->is_string()) {
    const std::string& value = s->get_ref<const std::string&>();
    for (const char* name : {"verbatim", "verbatim_triple", "verbatim_amp"}) {
      auto out = set->Render(name, context);
      FUZZ_CHECK(out.ok() && *out == value);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t sep = input.find(kSeparator);
  const std::string text(input.substr(0, sep));
  const std::string data_text(sep == std::string_view::npos
                                  ? std::string_view()
                                  : input.substr(sep + kSeparator.size()));
  json context = json::parse(data_text, nullptr, false);
  if (context.is_discarded() || !context.is_object()) context = json{{"s", data_text}};
  CheckTemplate(text, context);
  CheckData(context);
  return 0;
}
