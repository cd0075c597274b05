#include "app/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace duban::app {
namespace {

constexpr Millis kTerminalEvery{100};
constexpr Millis kLogEvery{5000};

double Seconds(Millis d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

Progress::Progress(std::string what, int64_t total, const Clock& clock, std::FILE* out,
                   bool force_terminal)
    : what_(std::move(what)),
      total_(total),
      clock_(clock),
      out_(out),
      terminal_(force_terminal || isatty(fileno(out)) == 1),
      start_(clock.Now()),
      last_draw_(start_) {}

void Progress::Update(int64_t done) {
  done_ = done;
  const SystemTime now = clock_.Now();
  if (now - last_draw_ >= (terminal_ ? kTerminalEvery : kLogEvery)) {
    last_draw_ = now;
    Draw(false);
  }
}

void Progress::Draw(bool final) {
  const double elapsed = std::max(0.001, Seconds(clock_.Now() - start_));
  const double rate = static_cast<double>(done_) / elapsed;
  std::string line;
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const int width = 24;
    const int fill = static_cast<int>(frac * width);
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
    line = fmt::format("{} [{}{}] {}/{} {:.0f}/s ETA {:.0f}s", what_, std::string(fill, '#'),
                       std::string(width - fill, '.'), done_, total_, rate, eta);
  } else {
    line = fmt::format("{}: {} done, {:.0f}/s", what_, done_, rate);
  }
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", line);
    if (final) fmt::print(out_, "\n");
  } else if (!final) {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
  drew_ = true;
}

void Progress::Finish(const std::string& summary) {
  if (terminal_ && drew_) Draw(true);
  fmt::print(out_, "{}: {} ({} in {:.1f} s)\n", what_, summary, done_,
             Seconds(clock_.Now() - start_));
  std::fflush(out_);
}

}  // namespace duban::app
