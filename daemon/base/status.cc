#include "base/status.h"

#include <string>

namespace duban {
namespace {

std::string Join(std::string_view what, std::string_view detail) {
  std::string out(what);
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kConflict: return "CONFLICT";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

#define DUBAN_STATUS_FACTORY(Name, Code)                                   \
  Status Status::Name(std::string_view what, std::string_view detail) {    \
    return Status(StatusCode::Code, Join(what, detail));                   \
  }
DUBAN_STATUS_FACTORY(InvalidArgument, kInvalidArgument)
DUBAN_STATUS_FACTORY(NotFound, kNotFound)
DUBAN_STATUS_FACTORY(Conflict, kConflict)
DUBAN_STATUS_FACTORY(PermissionDenied, kPermissionDenied)
DUBAN_STATUS_FACTORY(Unavailable, kUnavailable)
DUBAN_STATUS_FACTORY(DeadlineExceeded, kDeadlineExceeded)
DUBAN_STATUS_FACTORY(ResourceExhausted, kResourceExhausted)
DUBAN_STATUS_FACTORY(Cancelled, kCancelled)
DUBAN_STATUS_FACTORY(Internal, kInternal)
#undef DUBAN_STATUS_FACTORY

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace duban
