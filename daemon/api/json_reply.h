// Helpers shared by the HTTP handlers: the one error body shape and a bounded
// hand-off to the loop thread. Internal to api/.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace duban::api {

// {"error": code, "detail": text, "field": name?} with `status`.
inline void ReplyError(httplib::Response& res, int status, const std::string& code,
                       const std::string& detail, const std::string& field = "") {
  nlohmann::json body = {{"error", code}, {"detail", detail}};
  if (!field.empty()) body["field"] = field;
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// Runs `fn` on the loop and waits up to `timeout` for its result; nullopt on
// timeout (the loop is stuck or stopping). The task owns its promise, so a
// late completion after a timeout is harmless.
template <typename T>
std::optional<T> RunOnLoop(const std::function<void(std::function<void()>)>& post,
                           std::chrono::milliseconds timeout, std::function<T()> fn) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> fut = promise->get_future();
  post([promise, fn = std::move(fn)] { promise->set_value(fn()); });
  if (fut.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return fut.get();
}

}  // namespace duban::api
