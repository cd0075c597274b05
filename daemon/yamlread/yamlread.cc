#include "yamlread/yamlread.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "base/strings.h"

namespace duban::yamlread {
namespace {

const char* TypeName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "a value";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "something else";
}

// Shortens a scalar for quoting inside a message, at a character boundary:
// cutting at a fixed byte split Chinese values inside a character.
std::string Quote(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  size_t cut = 37;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return "'" + s.substr(0, cut) + "...'";
}

}  // namespace

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }
int ColumnOf(const YAML::Node& node) { return node.Mark().column + 1; }

void Context::Error(const YAML::Node& node, std::string_view path,
                    std::string message, std::string hint) {
  const bool positioned = node.IsDefined() && node.Mark().line >= 0;
  ErrorAt(positioned ? LineOf(node) : 0, positioned ? ColumnOf(node) : 0, path,
          std::move(message), std::move(hint));
}

void Context::Warning(const YAML::Node& node, std::string_view path,
                      std::string message, std::string hint) {
  Diagnostic d;
  d.severity = Diagnostic::Severity::kWarning;
  d.file = file_;
  if (node.IsDefined() && node.Mark().line >= 0) {
    d.line = LineOf(node);
    d.column = ColumnOf(node);
  }
  d.path = std::string(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  diags_->Add(std::move(d));
}

void Context::ErrorAt(int line, int column, std::string_view path,
                      std::string message, std::string hint) {
  Diagnostic d;
  d.file = file_;
  d.line = line;
  d.column = column;
  d.path = std::string(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  diags_->Add(std::move(d));
}

std::optional<YAML::Node> Parse(std::string_view text, Context& ctx,
                                const ParseOptions& options) {
  if (text.size() > options.max_bytes) {
    ctx.ErrorAt(0, 0, "",
                fmt::format("file is {} bytes; the limit is {} bytes",
                            text.size(), options.max_bytes),
                "is this the right file?");
    return std::nullopt;
  }
  // YAML forbids tabs in indentation; yaml-cpp's own message for them is
  // cryptic, so find them first and say it plainly.
  int line = 1;
  bool tabs = false;
  for (size_t i = 0; i < text.size();) {
    size_t col = 0;
    while (i + col < text.size() && (text[i + col] == ' ' || text[i + col] == '\t')) {
      if (text[i + col] == '\t') {
        ctx.ErrorAt(line, static_cast<int>(col) + 1, "",
                    "tab character in indentation",
                    "YAML indents with spaces only; replace the tab with spaces");
        tabs = true;
        break;
      }
      ++col;
    }
    const size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) break;
    i = nl + 1;
    ++line;
  }
  if (tabs) return std::nullopt;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!options.allow_empty && (root.IsNull() || !root.IsDefined())) {
      ctx.ErrorAt(0, 0, "", "file is empty", "");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::ParserException& e) {
    ctx.ErrorAt(e.mark.line + 1, e.mark.column + 1, "",
                "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    ctx.ErrorAt(e.mark.line + 1, e.mark.column + 1, "",
                std::string("YAML error: ") + e.what());
  }
  return std::nullopt;
}

std::optional<std::string> ReadFile(const std::string& path, Context& ctx) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.ErrorAt(0, 0, "", fmt::format("cannot read file: {}", std::strerror(errno)));
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

MapReader::MapReader(const YAML::Node& node, std::string path, Context* ctx)
    : node_(node), path_(std::move(path)), ctx_(ctx) {
  if (node.IsMap()) {
    valid_ = true;
  } else {
    ctx_->Error(node, path_.empty() ? "(document)" : path_,
                fmt::format("expected a mapping of keys, got {}", TypeName(node)));
  }
}

bool MapReader::Has(std::string_view key) {
  Allow(key);
  return valid_ && node_[std::string(key)].IsDefined();
}

void MapReader::Allow(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
    known_.emplace_back(key);
  }
}

std::optional<YAML::Node> MapReader::Get(std::string_view key, bool required,
                                         const char* expected) {
  Allow(key);
  if (!valid_) return std::nullopt;
  YAML::Node v = node_[std::string(key)];
  if (!v.IsDefined() || v.IsNull()) {
    if (required) {
      ctx_->Error(node_, JoinPath(path_, key),
                  fmt::format("missing required key '{}' ({})", key, expected));
    }
    return std::nullopt;
  }
  return v;
}

void MapReader::Error(std::string_view key, std::string message, std::string hint) {
  YAML::Node v = valid_ ? node_[std::string(key)] : YAML::Node();
  ctx_->Error(v.IsDefined() ? v : node_, JoinPath(path_, key), std::move(message),
              std::move(hint));
}

std::optional<std::string> ToString(const YAML::Node& node, std::string_view path,
                                    Context& ctx) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, fmt::format("expected text, got {}", TypeName(node)));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int64_t> ToInt(const YAML::Node& node, std::string_view path,
                             Context& ctx) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, fmt::format("expected a whole number, got {}", TypeName(node)));
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    ctx.Error(node, path, fmt::format("expected a whole number, got {}", Quote(s)));
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> MapReader::String(std::string_view key, bool required) {
  auto v = Get(key, required, "text");
  if (!v) return std::nullopt;
  return ToString(*v, JoinPath(path_, key), *ctx_);
}

std::optional<int64_t> MapReader::Int(std::string_view key, bool required,
                                      int64_t min, int64_t max) {
  auto v = Get(key, required, "a whole number");
  if (!v) return std::nullopt;
  auto n = ToInt(*v, JoinPath(path_, key), *ctx_);
  if (n && (*n < min || *n > max)) {
    ctx_->Error(*v, JoinPath(path_, key),
                fmt::format("{} is out of range [{}, {}]", *n, min, max));
    return std::nullopt;
  }
  return n;
}

std::optional<double> MapReader::Double(std::string_view key, bool required) {
  auto v = Get(key, required, "a number");
  if (!v) return std::nullopt;
  if (!v->IsScalar()) {
    ctx_->Error(*v, JoinPath(path_, key),
                fmt::format("expected a number, got {}", TypeName(*v)));
    return std::nullopt;
  }
  const std::string& s = v->Scalar();
  char* end = nullptr;
  errno = 0;
  const double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0) {
    ctx_->Error(*v, JoinPath(path_, key),
                fmt::format("expected a number, got {}", Quote(s)));
    return std::nullopt;
  }
  return d;
}

std::optional<bool> MapReader::Bool(std::string_view key, bool required) {
  auto v = Get(key, required, "true or false");
  if (!v) return std::nullopt;
  if (v->IsScalar()) {
    const std::string& s = v->Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  ctx_->Error(*v, JoinPath(path_, key),
              fmt::format("expected true or false, got {}",
                          v->IsScalar() ? Quote(v->Scalar()) : TypeName(*v)));
  return std::nullopt;
}

std::optional<std::string> MapReader::Enum(std::string_view key,
                                           const std::vector<std::string>& allowed,
                                           bool required) {
  auto s = String(key, required);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  Error(key, fmt::format("unknown value {}; expected one of: {}", Quote(*s), list),
        DidYouMean(*s, allowed));
  return std::nullopt;
}

std::optional<std::vector<std::string>> MapReader::StringList(std::string_view key,
                                                              bool required) {
  auto v = Get(key, required, "a list");
  if (!v) return std::nullopt;
  const std::string path = JoinPath(path_, key);
  if (!v->IsSequence()) {
    ctx_->Error(*v, path, fmt::format("expected a list, got {}", TypeName(*v)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < v->size(); ++i) {
    auto s = ToString((*v)[i], IndexPath(path, i), *ctx_);
    if (s) out.push_back(*s); else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<YAML::Node> MapReader::Map(std::string_view key, bool required) {
  auto v = Get(key, required, "a mapping");
  if (!v) return std::nullopt;
  if (!v->IsMap()) {
    ctx_->Error(*v, JoinPath(path_, key),
                fmt::format("expected a mapping of keys, got {}", TypeName(*v)));
    return std::nullopt;
  }
  return v;
}

std::optional<YAML::Node> MapReader::Sequence(std::string_view key, bool required) {
  auto v = Get(key, required, "a list");
  if (!v) return std::nullopt;
  if (!v->IsSequence()) {
    ctx_->Error(*v, JoinPath(path_, key),
                fmt::format("expected a list, got {}", TypeName(*v)));
    return std::nullopt;
  }
  return v;
}

std::optional<YAML::Node> MapReader::Any(std::string_view key, bool required) {
  return Get(key, required, "a value");
}

void MapReader::Finish() {
  if (!valid_) return;
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node k = it->first;
    if (!k.IsScalar()) {
      ctx_->Error(k, path_, "keys must be plain text");
      continue;
    }
    const std::string name = k.Scalar();
    if (!seen.insert(name).second) {
      ctx_->Error(k, JoinPath(path_, name), fmt::format("duplicate key '{}'", name),
                  "each key may appear once; the later one would be ignored");
      continue;
    }
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
      ctx_->Error(k, JoinPath(path_, name), fmt::format("unknown key '{}'", name),
                  DidYouMean(name, known_));
    }
  }
}

}  // namespace duban::yamlread
