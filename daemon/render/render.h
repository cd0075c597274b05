// render: mustache templates from templates/, one file per message kind and
// channel family ("weekly_report_missing.sms.mustache" is the template named
// "weekly_report_missing.sms"), rendered against a JSON value. Messages are
// plain text or markdown, so values are not HTML-escaped.
//
// Pure: a TemplateSet is loaded once and then only read; any thread. Each
// template is parsed once, when the set is loaded, and every Render walks
// that parsed form (compiled_template.h) without locking.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "base/status.h"
#include "render/compiled_template.h"

namespace duban::render {

class TemplateSet {
 public:
  // Loads every "*.mustache" file in `dir`. Files that do not parse are
  // reported in `diags` (with the template's line when known) and left out.
  static std::unique_ptr<TemplateSet> LoadDir(const std::string& dir, Diagnostics* diags);
  // From name → text pairs (tests, embedded defaults).
  static std::unique_ptr<TemplateSet> FromMap(const std::map<std::string, std::string>& texts,
                                              Diagnostics* diags);

  bool Has(const std::string& name) const { return templates_.count(name) > 0; }
  std::set<std::string> Names() const;

  // Renders template `name` with `context` (a JSON object). kNotFound for an
  // unknown name; kInvalidArgument when a partial tag names a context string
  // that does not parse.
  Result<std::string> Render(const std::string& name, const nlohmann::json& context) const;

  // The top-level variable and section names template `name` uses, for
  // `duban check` to compare with the facts the engine provides.
  std::set<std::string> Variables(const std::string& name) const;

 private:
  std::map<std::string, CompiledTemplate> templates_;
};

}  // namespace duban::render
