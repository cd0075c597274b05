// A temporary duban setup for scenario tests: a config pointing at the
// shipped seed campaign, templates and holiday calendar, with console
// channels named like the demo's (`sms` rendering as SMS, `town-robot` as
// markdown), and a database holding the demo town of config/demo/.
#pragma once

#include <memory>
#include <string>

#include "app/campaigns.h"
#include "config/config.h"
#include "engine/engine.h"
#include "store/store.h"
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

// The engine the daemon builds over `town`'s database, opened at `now`: the
// town's campaigns loaded into *loaded, the store on its file, an engine
// with `options` (campaigns and calendar filled in) and the directory read
// from the store. Fails the test (fatally) when any part cannot be opened.
void OpenDemoEngine(const DemoTown& town, SystemTime now, engine::Options options,
                    app::Loaded* loaded, std::unique_ptr<store::Store>* store,
                    std::unique_ptr<engine::Engine>* engine);

}  // namespace duban::testing
