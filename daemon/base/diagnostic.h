// Diagnostics: positioned errors and warnings about input files (config,
// campaigns, templates, CSV). Every loader reports all it finds, not just the
// first, so a user fixes a file in one pass.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duban {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when the position is unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string path;     // key path inside the document: "channels[1].secret"
  std::string message;  // what is wrong
  std::string hint;     // optional: "did you mean 'rectifying'?"

  // "workflows/x.yaml:12:7: error: item_kinds.case.states: unknown state
  //  'rectifing' — did you mean 'rectifying'?"
  std::string ToString() const;
};

class Diagnostics {
 public:
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  bool has_errors() const;
  int error_count() const;
  int warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // All diagnostics, one per line, errors and warnings in report order.
  std::string ToString() const;
  void Append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace duban
