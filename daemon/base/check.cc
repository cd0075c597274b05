#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace duban::internal {

void CheckFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "<2>duban: CHECK failed: %s at %s:%d\n", cond, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace duban::internal
