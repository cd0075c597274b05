// Talks to systemd's notify socket (Type=notify): READY=1 once serving,
// STOPPING=1 on shutdown, WATCHDOG=1 pings. Every call is a no-op when the
// daemon was not started by systemd (NOTIFY_SOCKET unset).
//
// Call from the loop thread: the watchdog ping must come from the loop so a
// wedged loop stops pinging and systemd restarts us.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace duban::runtime {

class SystemdNotifier {
 public:
  void Ready(const std::string& status);
  void Stopping();
  void Reloading();
  void Status(const std::string& status);
  void WatchdogPing();
  // How often to ping: half the WatchdogSec= interval, or nullopt when the
  // watchdog is off.
  std::optional<std::chrono::milliseconds> WatchdogPeriod() const;
};

}  // namespace duban::runtime
