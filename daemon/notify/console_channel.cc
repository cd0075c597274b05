#include "notify/console_channel.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace duban::notify {

void ConsoleChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  const std::string when = local_time_->Short(row.next_attempt_at > row.created_at
                                                  ? row.next_attempt_at
                                                  : row.created_at);
  fmt::print(out_, "── {} → {} ({}) [{}]\n{}\n", when, row.recipient, row.address, row.binding,
             row.body);
  std::fflush(out_);
  done({SendResult::Kind::kSent, fmt::format("console-{}", row.id), "", {}});
}

void FileChannel::Send(const store::OutboxRow& row, std::function<void(SendResult)> done) {
  std::FILE* f = std::fopen(path_.c_str(), "a");
  if (f == nullptr) {
    done({SendResult::Kind::kRetrySoon, "", fmt::format("cannot open {}: {}", path_, std::strerror(errno)), {}});
    return;
  }
  nlohmann::json line = {{"id", row.id},           {"key", row.idempotency_key},
                         {"recipient", row.recipient}, {"address", row.address},
                         {"binding", row.binding}, {"severity", row.severity},
                         {"body", row.body}};
  const std::string text = line.dump() + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    done({SendResult::Kind::kRetrySoon, "", fmt::format("cannot write {}", path_), {}});
    return;
  }
  done({SendResult::Kind::kSent, fmt::format("file-{}", row.id), "", {}});
}

}  // namespace duban::notify
