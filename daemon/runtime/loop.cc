#include "runtime/loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <list>

namespace duban::runtime {

namespace asio = boost::asio;

struct Loop::Impl {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::unique_ptr<asio::signal_set> signals;
  std::function<void(int)> on_signal;
  std::list<asio::steady_timer> periodic;

  void WaitSignal() {
    signals->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (on_signal) on_signal(sig);
      WaitSignal();
    });
  }
};

namespace {

class AsioTimer final : public Loop::Timer {
 public:
  explicit AsioTimer(asio::io_context& io) : timer_(io) {}
  void Arm(std::chrono::milliseconds delay, std::function<void()> fn) override {
    timer_.expires_after(delay);
    timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();  // operation_aborted: re-armed or cancelled
    });
  }
  void Cancel() override { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

void Tick(asio::steady_timer& t, std::chrono::milliseconds period,
          std::function<void()> fn) {
  t.expires_after(period);
  t.async_wait([&t, period, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;
    fn();
    Tick(t, period, fn);
  });
}

}  // namespace

Loop::Loop() : impl_(std::make_unique<Impl>()) {}
Loop::~Loop() = default;

void Loop::Run() { impl_->io.run(); }

void Loop::Stop() {
  impl_->work.reset();
  impl_->io.stop();
}

void Loop::Post(std::function<void()> fn) { asio::post(impl_->io, std::move(fn)); }

void Loop::OnSignals(std::function<void(int)> handler) {
  impl_->on_signal = std::move(handler);
  impl_->signals = std::make_unique<asio::signal_set>(impl_->io, SIGINT, SIGTERM, SIGHUP);
  impl_->WaitSignal();
}

std::unique_ptr<Loop::Timer> Loop::NewTimer() {
  return std::make_unique<AsioTimer>(impl_->io);
}

void Loop::Every(std::chrono::milliseconds period, std::function<void()> fn) {
  impl_->periodic.emplace_back(impl_->io);
  Tick(impl_->periodic.back(), period, std::move(fn));
}

}  // namespace duban::runtime
