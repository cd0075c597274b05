#include "testing/paths.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace duban::testing {

std::string SourcePath(const std::string& relative) {
  return std::string(DUBAN_SOURCE_DIR) + "/" + relative;
}

std::string DubanBinary() { return DUBAN_BINARY; }

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace duban::testing
