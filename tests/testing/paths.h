// Paths of the source tree and the built binary, for tests that read shipped
// files (workflows/, templates/, config/) or run `duban` as a subprocess.
#pragma once

#include <string>

namespace duban::testing {

// An absolute path inside the source tree: SourcePath("workflows/x.yaml").
std::string SourcePath(const std::string& relative);
// The absolute path of the `duban` binary under test.
std::string DubanBinary();
// Reads a whole file; fails the current test if it cannot.
std::string ReadFileOrDie(const std::string& path);

}  // namespace duban::testing
