// The keys each channel type accepts in config, and which of them are
// secrets. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "yamlread/yamlread.h"

namespace duban::config {

const std::vector<std::string>& ChannelTypes();

// Reads the type-specific keys of one channel entry into `out`, reporting
// missing required keys and secrets written inline.
void ReadChannelKeys(const std::string& type, yamlread::MapReader& reader,
                     ChannelConfig& out);

}  // namespace duban::config
