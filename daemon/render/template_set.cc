#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "render/render.h"

namespace duban::render {
namespace {

namespace fs = std::filesystem;
using Data = kainjow::mustache::data;

Data ToData(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      Data d(Data::type::object);
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), ToData(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      Data d(Data::type::list);
      for (const auto& v : j) d.push_back(ToData(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return Data(j.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return Data(j.get<bool>());
    case nlohmann::json::value_t::null:
      return Data(false);
    default:
      return Data(j.dump());  // numbers print as JSON writes them
  }
}

// Keeps the templates that parse; reports the others.
void Build(const std::map<std::string, std::string>& texts, const std::string& origin,
           Diagnostics* diags, std::map<std::string, std::string>* out) {
  for (const auto& [name, text] : texts) {
    kainjow::mustache::mustache m(text);
    if (!m.is_valid()) {
      Diagnostic d;
      d.file = origin.empty() ? name : (fs::path(origin) / (name + ".mustache")).string();
      d.message = "template does not parse: " + m.error_message();
      diags->Add(std::move(d));
      continue;
    }
    (*out)[name] = text;
  }
}

}  // namespace

std::unique_ptr<TemplateSet> TemplateSet::FromMap(
    const std::map<std::string, std::string>& texts, Diagnostics* diags) {
  auto set = std::unique_ptr<TemplateSet>(new TemplateSet());
  Build(texts, "", diags, &set->texts_);
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
  Build(texts, dir, diags, &set->texts_);
  return set;
}

std::set<std::string> TemplateSet::Names() const {
  std::set<std::string> out;
  for (const auto& [name, text] : texts_) out.insert(name);
  return out;
}

Result<std::string> TemplateSet::Render(const std::string& name,
                                        const nlohmann::json& context) const {
  auto it = texts_.find(name);
  if (it == texts_.end()) return Status::NotFound("no such template", name);
  kainjow::mustache::mustache m(it->second);
  m.set_custom_escape([](const std::string& s) { return s; });
  std::string out = m.render(ToData(context));
  if (!m.is_valid()) return Status::InvalidArgument("template failed: " + name, m.error_message());
  return out;
}

std::set<std::string> TemplateSet::Variables(const std::string& name) const {
  std::set<std::string> out;
  auto it = texts_.find(name);
  if (it == texts_.end()) return out;
  const std::string& t = it->second;
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
