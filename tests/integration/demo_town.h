// A temporary duban setup for scenario tests: a config pointing at the
// shipped seed campaign, templates and holiday calendar, with console
// channels named like the demo's (`sms` rendering as SMS, `town-robot` as
// markdown), and a database holding the demo town of config/demo/.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "testing/temp_dir.h"

namespace duban::testing {

class DemoTown {
 public:
  DemoTown();
  const config::DaemonConfig& config() const { return *config_; }
  std::string database() const { return dir_.File("duban.db"); }
  std::string File(const std::string& name) const { return dir_.File(name); }
  std::string Write(const std::string& name, const std::string& text) const {
    return dir_.Write(name, text);
  }

 private:
  TempDir dir_;
  std::shared_ptr<const config::DaemonConfig> config_;
};

}  // namespace duban::testing
