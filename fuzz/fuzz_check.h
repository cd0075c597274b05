// Shared by the libFuzzer targets in fuzz/: FUZZ_CHECK, their property
// assertion (unlike assert() it stays on in every build type, and it prints
// which property broke before aborting, so libFuzzer saves the input as a
// crash), a UTF-8 check and the properties every Diagnostics loader has.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/diagnostic.h"

#define FUZZ_CHECK(cond)                                                                    \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace duban::fuzz {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF), the form every parser promises for its output.
inline bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// What every loader that reports Diagnostics promises: a result exactly when
// no error was reported, and each diagnostic positioned (0 = unknown) and
// worded. Diagnostics about UTF-8 text are UTF-8 too: they quote it, and
// `duban check` and the logs show them to people. (Text, so without NUL:
// yaml-cpp reads a file with NULs up front as UTF-16 or UTF-32, and its own
// messages then quote single bytes of what it decoded.)
inline void CheckDiagnostics(const Diagnostics& diags, bool loaded, std::string_view input) {
  FUZZ_CHECK(loaded == !diags.has_errors());
  const bool utf8 = IsUtf8(input) && input.find('\0') == std::string_view::npos;
  for (const Diagnostic& d : diags.items()) {
    FUZZ_CHECK(d.line >= 0 && d.column >= 0);
    FUZZ_CHECK(!d.message.empty());
    if (utf8 && !IsUtf8(d.ToString())) {
      std::fprintf(stderr, "diagnostic: %s\n", d.ToString().c_str());
      FUZZ_CHECK(IsUtf8(d.ToString()));
    }
  }
  FUZZ_CHECK(diags.items().empty() || !diags.ToString().empty());
}

}  // namespace duban::fuzz
