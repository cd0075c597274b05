#include "render/compiled_template.h"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <utility>

namespace duban::render {
namespace {

namespace km = kainjow::mustache;
using Json = nlohmann::json;
using Node = CompiledTemplate::Node;
using Component = km::component<std::string>;

// Parses with kainjow's own parser (what km::mustache's constructor runs), so
// the split into text, whitespace and tags and every error message are the
// library's. Returns the error message, empty on success.
std::string ParseComponents(const std::string& text, Component* root) {
  km::context<std::string> data;
  km::context_internal<std::string> ctx{data};
  std::string error;
  km::parser<std::string> parser{text, ctx, *root, error};
  return error;
}

void AppendNodes(const std::vector<Component>& in, std::vector<Node>* out) {
  for (const Component& c : in) {
    if (c.is_text()) {
      const Node::Kind kind = c.is_newline() ? Node::Kind::kNewline : Node::Kind::kText;
      // Text only ever goes onto the current line, so adjacent pieces merge.
      if (kind == Node::Kind::kText && !out->empty() && out->back().kind == kind) {
        out->back().text += c.text;
        continue;
      }
      out->push_back(Node{kind, c.text, {}, false, {}});
      continue;
    }
    Node n;
    switch (c.tag.type) {
      case km::tag_type::variable:
      case km::tag_type::unescaped_variable:  // nothing is escaped anyway
        n.kind = Node::Kind::kVariable;
        break;
      case km::tag_type::section_begin:
        n.kind = Node::Kind::kSection;
        break;
      case km::tag_type::section_begin_inverted:
        n.kind = Node::Kind::kInverted;
        break;
      case km::tag_type::partial:
        n.kind = Node::Kind::kPartial;
        break;
      default:  // comments, set-delimiter tags: no output without lambdas
        continue;
    }
    n.text = c.tag.name;
    n.dot = n.text == ".";
    // The same split kainjow's context does on every lookup of a dotted name.
    if (!n.dot && n.text.find('.') != std::string::npos) n.path = km::split(n.text, '.');
    AppendNodes(c.children, &n.children);
    out->push_back(std::move(n));
  }
}

// What a JSON value is as kainjow data.
bool IsFalse(const Json& j) { return j.is_null() || (j.is_boolean() && !j.get<bool>()); }
bool IsEmptyList(const Json& j) { return j.is_array() && j.empty(); }
// Strings, and numbers (printed as JSON writes them).
bool IsString(const Json& j) {
  return !(j.is_object() || j.is_array() || j.is_boolean() || j.is_null());
}

const Json* Member(const Json& j, const std::string& name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

// One render: kainjow's context stack, line buffer and error, over JSON.
class Renderer {
 public:
  explicit Renderer(const Json& root) : stack_{&root} {}

  // Renders `nodes`; false when a partial failed, which, as in kainjow, stops
  // only the current list of nodes. `error` is the innermost template's
  // error slot: the last failure in it wins.
  bool Nodes(const std::vector<Node>& nodes, std::string* error) {
    for (const Node& n : nodes) {
      switch (n.kind) {
        case Node::Kind::kText:
          out_ += n.text;
          break;
        case Node::Kind::kNewline:
          EndLine(&n.text);
          break;
        case Node::Kind::kVariable:
          if (const Json* v = Lookup(n); v != nullptr && IsString(*v)) {
            if (v->is_string()) {
              out_ += v->get_ref<const std::string&>();
            } else {
              out_ += v->dump();  // numbers print as JSON writes them
            }
          }
          break;
        case Node::Kind::kSection:
          if (const Json* v = Lookup(n); v != nullptr && !IsFalse(*v) && !IsEmptyList(*v)) {
            Section(n, v, error);
          }
          break;
        case Node::Kind::kInverted:
          if (const Json* v = Lookup(n); v == nullptr || IsFalse(*v) || IsEmptyList(*v)) {
            Section(n, v, error);
          }
          break;
        case Node::Kind::kPartial:
          if (!Partial(n, error)) return false;
          break;
      }
    }
    return true;
  }

  // The end of the template: the last line, without a newline.
  std::string Finish() {
    EndLine(nullptr);
    return std::move(out_);
  }

 private:
  // kainjow buffers each line and drops it if a section tag was on it and
  // nothing but spaces and tabs is left (a standalone section line).
  void EndLine(const std::string* newline) {
    bool blank = true;
    for (size_t i = line_start_; i < out_.size() && blank; ++i) {
      blank = out_[i] == ' ' || out_[i] == '\t';
    }
    if (had_section_ && blank) {
      out_.resize(line_start_);
    } else if (newline != nullptr) {
      out_ += *newline;
    }
    line_start_ = out_.size();
    had_section_ = false;
  }

  void Section(const Node& n, const Json* v, std::string* error) {
    if (v != nullptr && v->is_array() && !v->empty()) {
      for (const Json& item : *v) Scoped(n, &item, error);
    } else {
      Scoped(n, v, error);  // an object, a scalar, false, an empty list or nothing
    }
  }

  void Scoped(const Node& n, const Json* v, std::string* error) {
    had_section_ = true;  // the section's opening tag
    if (v != nullptr) stack_.push_back(v);
    Nodes(n.children, error);  // a failure stops this item's nodes only
    if (v != nullptr) stack_.pop_back();
    had_section_ = true;  // its closing tag
  }

  // A partial comes from the context, not from the TemplateSet: a string
  // value is parsed as a template and rendered into the current line.
  bool Partial(const Node& n, std::string* error) {
    const Json* v = nullptr;
    for (auto it = stack_.rbegin(); it != stack_.rend() && v == nullptr; ++it) {
      v = Member(**it, n.text);
    }
    if (v == nullptr || !IsString(*v)) return true;
    const std::string text = v->is_string() ? v->get<std::string>() : v->dump();
    Component root;
    if (std::string parse_error = ParseComponents(text, &root); !parse_error.empty()) {
      *error = std::move(parse_error);
      return false;
    }
    std::vector<Node> nodes;
    AppendNodes(root.children, &nodes);
    std::string inner_error;
    Nodes(nodes, &inner_error);
    if (inner_error.empty()) return true;
    *error = std::move(inner_error);
    return false;
  }

  // kainjow's context lookup: innermost item first; "." is the innermost
  // item itself; a dotted name must resolve fully within one item.
  const Json* Lookup(const Node& n) const {
    if (n.dot) return stack_.back();
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (n.path.empty()) {
        if (const Json* v = Member(**it, n.text)) return v;
        continue;
      }
      const Json* v = *it;
      for (const std::string& part : n.path) {
        v = Member(*v, part);
        if (v == nullptr) break;
      }
      if (v != nullptr) return v;
    }
    return nullptr;
  }

  std::vector<const Json*> stack_;
  std::string out_;
  size_t line_start_ = 0;     // where the current line begins in out_
  bool had_section_ = false;  // a section tag was on the current line
};

}  // namespace

Result<CompiledTemplate> CompiledTemplate::Parse(const std::string& text) {
  Component root;
  if (std::string error = ParseComponents(text, &root); !error.empty()) {
    return Status::InvalidArgument(error);
  }
  CompiledTemplate t;
  t.text_ = text;
  AppendNodes(root.children, &t.nodes_);
  return t;
}

Result<std::string> CompiledTemplate::Render(const nlohmann::json& context) const {
  Renderer r(context);
  std::string error;
  r.Nodes(nodes_, &error);
  if (!error.empty()) return Status::InvalidArgument(error);
  return r.Finish();
}

}  // namespace duban::render
