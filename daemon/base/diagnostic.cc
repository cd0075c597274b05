#include "base/diagnostic.h"

#include <fmt/format.h>

namespace duban {

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  if (!path.empty()) {
    out += path;
    out += ": ";
  }
  out += message;
  if (!hint.empty()) {
    out += " — ";
    out += hint;
  }
  return out;
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

int Diagnostics::error_count() const {
  int n = 0;
  for (const auto& d : items_) n += d.severity == Diagnostic::Severity::kError;
  return n;
}

int Diagnostics::warning_count() const {
  return static_cast<int>(items_.size()) - error_count();
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const auto& d : items_) {
    out += d.ToString();
    out += '\n';
  }
  return out;
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

}  // namespace duban
