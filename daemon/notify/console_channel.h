// ConsoleChannel and FileChannel: local sinks for the demo and dry runs.
// They never fail except on a write error. Loop thread only.
#pragma once

#include <cstdio>
#include <string>

#include "notify/channel.h"
#include "notify/notify.h"

namespace duban::notify {

class ConsoleChannel final : public Channel {
 public:
  // Writes each message to `out` (stdout for the demo) with the local time
  // from `local_time`. `out` and `local_time` must outlive the channel.
  ConsoleChannel(std::string name, std::FILE* out, const LocalTime* local_time)
      : name_(std::move(name)), out_(out), local_time_(local_time) {}
  const std::string& name() const override { return name_; }
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override;

 private:
  std::string name_;
  std::FILE* out_;
  const LocalTime* local_time_;
};

// Appends one JSON line per message to a file.
class FileChannel final : public Channel {
 public:
  FileChannel(std::string name, std::string path) : name_(std::move(name)), path_(std::move(path)) {}
  const std::string& name() const override { return name_; }
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override;

 private:
  std::string name_;
  std::string path_;
};

}  // namespace duban::notify
