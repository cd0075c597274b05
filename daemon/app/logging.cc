#include "app/logging.h"

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace duban::app {
namespace {

// Writes "<N>message" per line, N being the syslog priority journald parses.
class JournalStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fprintf(stderr, "<%d>%.*s", Priority(msg.level),
                 static_cast<int>(formatted.size()), formatted.data());
  }
  void flush_() override { std::fflush(stderr); }

 private:
  static int Priority(spdlog::level::level_enum l) {
    switch (l) {
      case spdlog::level::critical: return 2;
      case spdlog::level::err: return 3;
      case spdlog::level::warn: return 4;
      case spdlog::level::info: return 6;
      default: return 7;
    }
  }
};

}  // namespace

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name) {
  const char* journal = std::getenv("JOURNAL_STREAM");
  std::shared_ptr<spdlog::logger> logger;
  if (journal != nullptr && *journal != '\0') {
    auto sink = std::make_shared<JournalStderrSink>();
    sink->set_pattern("%n: %v");
    logger = std::make_shared<spdlog::logger>(name, sink);
  } else {
    auto sink = std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>();
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %n: %v");
    logger = std::make_shared<spdlog::logger>(name, sink);
  }
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return logger;
}

bool SetLevel(spdlog::logger& logger, const std::string& level) {
  const auto l = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only accept "off" when asked for.
  if (l == spdlog::level::off && level != "off") return false;
  logger.set_level(l);
  return true;
}

}  // namespace duban::app
