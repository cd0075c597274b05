// Status and Result<T>: the error currency of duban.
//
// A Status is a code plus a human-readable message. Result<T> holds either a
// value or a non-OK Status and mirrors the surface of std::expected so it can
// become an alias once the toolchain has <expected>. Both are cheap to move
// and safe to use from any thread.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace duban {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // bad input; never retried
  kNotFound,          // lookup failed; never retried
  kConflict,          // uniqueness or state conflict; never retried
  kPermissionDenied,  // caller may not do this; never retried
  kUnavailable,       // network, 5xx, SQLITE_BUSY; retried with backoff
  kDeadlineExceeded,  // timed out; retried with backoff
  kResourceExhausted, // disk full, rate limit; retried later
  kCancelled,         // shutdown
  kInternal,          // bug or corruption
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string_view what, std::string_view detail = {});
  static Status NotFound(std::string_view what, std::string_view detail = {});
  static Status Conflict(std::string_view what, std::string_view detail = {});
  static Status PermissionDenied(std::string_view what, std::string_view detail = {});
  static Status Unavailable(std::string_view what, std::string_view detail = {});
  static Status DeadlineExceeded(std::string_view what, std::string_view detail = {});
  static Status ResourceExhausted(std::string_view what, std::string_view detail = {});
  static Status Cancelled(std::string_view what, std::string_view detail = {});
  static Status Internal(std::string_view what, std::string_view detail = {});

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for the codes a caller should retry with backoff.
  bool retryable() const {
    return code_ == StatusCode::kUnavailable ||
           code_ == StatusCode::kDeadlineExceeded ||
           code_ == StatusCode::kResourceExhausted;
  }
  // "NOT_FOUND: unknown workflow: x"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit like expected
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result needs a non-OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }
  const Status& error() const { assert(!ok()); return std::get<Status>(v_); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<T>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace duban

// Returns early from the enclosing function when `expr` is not OK.
#define DUBAN_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::duban::Status duban_status_ = (expr);    \
    if (!duban_status_.ok()) return duban_status_; \
  } while (0)
