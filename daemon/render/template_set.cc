#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "render/render.h"

namespace duban::render {
namespace {

namespace fs = std::filesystem;
// Keeps the templates that parse, parsed; reports the others.
void Build(const std::map<std::string, std::string>& texts, const std::string& origin,
           Diagnostics* diags, std::map<std::string, CompiledTemplate>* out) {
  for (const auto& [name, text] : texts) {
    Result<CompiledTemplate> t = CompiledTemplate::Parse(text);
    if (!t.ok()) {
      Diagnostic d;
      d.file = origin.empty() ? name : (fs::path(origin) / (name + ".mustache")).string();
      d.message = "template does not parse: " + t.status().message();
      diags->Add(std::move(d));
      continue;
    }
    out->insert_or_assign(name, std::move(*t));
  }
}

}  // namespace

std::unique_ptr<TemplateSet> TemplateSet::FromMap(
    const std::map<std::string, std::string>& texts, Diagnostics* diags) {
  auto set = std::unique_ptr<TemplateSet>(new TemplateSet());
  Build(texts, "", diags, &set->templates_);
  return set;
}

std::unique_ptr<TemplateSet> TemplateSet::LoadDir(const std::string& dir, Diagnostics* diags) {
  std::map<std::string, std::string> texts;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    Diagnostic d;
    d.file = dir;
    d.message = "templates directory does not exist";
    diags->Add(std::move(d));
  } else {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const fs::path p = entry.path();
      if (p.extension() != ".mustache") continue;
      std::ifstream in(p, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      texts[p.stem().string()] = ss.str();
    }
  }
  auto set = std::unique_ptr<TemplateSet>(new TemplateSet());
  Build(texts, dir, diags, &set->templates_);
  return set;
}

std::set<std::string> TemplateSet::Names() const {
  std::set<std::string> out;
  for (const auto& [name, t] : templates_) out.insert(name);
  return out;
}

Result<std::string> TemplateSet::Render(const std::string& name,
                                        const nlohmann::json& context) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) return Status::NotFound("no such template", name);
  Result<std::string> out = it->second.Render(context);
  if (!out.ok()) return Status::InvalidArgument("template failed: " + name, out.status().message());
  return out;
}

std::set<std::string> TemplateSet::Variables(const std::string& name) const {
  std::set<std::string> out;
  auto it = templates_.find(name);
  if (it == templates_.end()) return out;
  const std::string& t = it->second.text();
  int depth = 0;  // names inside a section refer to the section's element
  for (size_t pos = t.find("{{"); pos != std::string::npos; pos = t.find("{{", pos + 2)) {
    size_t start = pos + 2;
    while (start < t.size() && (t[start] == '{' || t[start] == '&' || t[start] == ' ')) ++start;
    const char sigil = start < t.size() ? t[start] : '\0';
    if (sigil == '!' || sigil == '>') continue;
    if (sigil == '/') {
      depth = std::max(0, depth - 1);
      continue;
    }
    const bool opens = sigil == '#' || sigil == '^';
    if (opens) ++start;
    size_t end = t.find("}}", start);
    if (end == std::string::npos) break;
    std::string var(t.substr(start, end - start));
    while (!var.empty() && (var.back() == ' ' || var.back() == '}')) var.pop_back();
    while (!var.empty() && var.front() == ' ') var.erase(0, 1);
    const std::string head = var.substr(0, var.find('.'));
    if (!head.empty() && head != "." && depth == 0) out.insert(head);
    if (opens) ++depth;
  }
  return out;
}

}  // namespace duban::render
