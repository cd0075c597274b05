// App: the composition root. Builds every component from the config, owns
// their lifetimes, and runs the loop: Create → Run (until SIGTERM/SIGINT or
// RequestStop) → destruction closes the database.
//
// Create and Run are called from one thread (main's, or a test's); Run makes
// that thread the loop thread. RequestStop may be called from any thread.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/status.h"

namespace duban::app {

struct AppOptions {
  std::string config_path;
  std::optional<std::string> log_level;  // overrides the config's log_level
  // The clock to run on; null means the real clock. Must outlive the App.
  const Clock* clock = nullptr;
  std::optional<int> port;                // overrides server.listen's port
  std::optional<std::string> database;    // overrides database.path
  // Allow starting on a database last written under a different clock kind
  // (e.g. real time on a database that a demo ran on campaign time).
  bool allow_clock_change = false;
};

class App {
 public:
  // Loads and validates the config, opens and migrates the database, binds
  // the HTTP port. Any failure is returned with a message fit for the
  // operator (config errors list every problem with file:line:column).
  static Result<std::unique_ptr<App>> Create(const AppOptions& options,
                                             std::shared_ptr<spdlog::logger> logger);
  ~App();

  // Serves until stopped; returns OK after a clean shutdown.
  Status Run();
  // Asks Run() to shut down as SIGTERM would. Any thread.
  void RequestStop();

  int port() const;
  // "http://127.0.0.1:8080/"
  std::string url() const;

 private:
  struct Impl;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace duban::app
