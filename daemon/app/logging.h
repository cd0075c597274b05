// Logger construction for main and the app. One named spdlog logger is made
// here and passed down by reference; modules never use spdlog's default
// logger (STYLE rule 6).
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace duban::app {

// A logger writing to stderr. Under systemd (JOURNAL_STREAM set) lines carry
// no timestamp or colour and start with a syslog priority prefix ("<4>") so
// journald keeps each line's level; elsewhere a readable timestamped format.
std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name);

// Applies "trace".."off"; returns false for an unknown level.
bool SetLevel(spdlog::logger& logger, const std::string& level);

}  // namespace duban::app
