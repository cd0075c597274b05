// A CompiledTemplate is one mustache template parsed once, rendered many
// times straight from a JSON value. It gives exactly the output and errors of
// kainjow::mustache rendering the same text against the JSON converted to
// kainjow data (objects, lists, strings, booleans; null is false; numbers
// print as JSON writes them), with HTML escaping off. Only TemplateSet and
// tests use it.
//
// Immutable after Parse: Render may run on any number of threads at once.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace duban::render {

class CompiledTemplate {
 public:
  // Parses `text` with kainjow's parser. kInvalidArgument with kainjow's
  // error message ("Unclosed section \"x\" at 3") when it does not parse.
  static Result<CompiledTemplate> Parse(const std::string& text);

  // Renders against `context`. The only failure is a partial tag ("{{>x}}")
  // whose value in `context` is a string that does not parse: kainjow's
  // error message, as a plain string for the caller to wrap.
  Result<std::string> Render(const nlohmann::json& context) const;

  const std::string& text() const { return text_; }

  // One piece of the parsed form. Comments and set-delimiter tags are gone
  // (they do nothing when no lambdas can occur); runs of text between
  // newlines are merged.
  struct Node {
    enum class Kind { kText, kNewline, kVariable, kSection, kInverted, kPartial };
    Kind kind = Kind::kText;
    std::string text;               // kText, kNewline: the text; else the tag's name
    std::vector<std::string> path;  // the name split at '.', when it has one
    bool dot = false;               // the name is "." (the current item)
    std::vector<Node> children;     // kSection, kInverted
  };

 private:
  CompiledTemplate() = default;

  std::string text_;
  std::vector<Node> nodes_;
};

}  // namespace duban::render
