// DUBAN_CHECK(cond): for invariants we cannot continue without. Logs the
// failed condition with its location to stderr and aborts; systemd restarts
// the daemon. Environment failures (disk, network, bad files) are never
// CHECKed: they are handled and reported as Status.
#pragma once

namespace duban::internal {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);
}  // namespace duban::internal

#define DUBAN_CHECK(cond) \
  ((cond) ? (void)0 : ::duban::internal::CheckFailed(#cond, __FILE__, __LINE__))
