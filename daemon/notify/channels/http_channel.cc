#include "notify/channels/http_channel.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>

#include "base/time_format.h"

namespace duban::notify {
namespace {

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form every
// server sends in Date.
std::optional<SystemTime> ParseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr) return std::nullopt;
  return SystemTime(std::chrono::seconds(timegm(&tm)));
}

}  // namespace

const char* SendResultKindName(SendResult::Kind kind) {
  switch (kind) {
    case SendResult::Kind::kSent: return "sent";
    case SendResult::Kind::kRetrySoon: return "retry soon";
    case SendResult::Kind::kRetryAfter: return "retry after";
    case SendResult::Kind::kChannelBroken: return "channel broken";
    case SendResult::Kind::kMessageRejected: return "message rejected";
  }
  return "?";
}

const char* StatusAnswerKindName(StatusAnswer::Kind kind) {
  switch (kind) {
    case StatusAnswer::Kind::kDelivered: return "delivered";
    case StatusAnswer::Kind::kAcceptedPending: return "accepted, pending";
    case StatusAnswer::Kind::kFailed: return "failed";
    case StatusAnswer::Kind::kNotFound: return "not found";
    case StatusAnswer::Kind::kUnknown: return "unknown";
  }
  return "?";
}

SendResult Sent(std::string provider_id, std::string detail) {
  return {SendResult::Kind::kSent, std::move(provider_id), std::move(detail), {}};
}
SendResult RetrySoon(std::string detail) {
  return {SendResult::Kind::kRetrySoon, "", std::move(detail), {}};
}
SendResult RetryAfter(SystemTime at, std::string detail) {
  return {SendResult::Kind::kRetryAfter, "", std::move(detail), at};
}
SendResult Broken(std::string detail) {
  return {SendResult::Kind::kChannelBroken, "", std::move(detail), {}};
}
SendResult Rejected(std::string detail) {
  return {SendResult::Kind::kMessageRejected, "", std::move(detail), {}};
}

std::optional<SendResult> TransportOutcome(const HttpResponse& r, SystemTime now) {
  switch (r.error) {
    case HttpResponse::Error::kNone: break;
    case HttpResponse::Error::kTimeout:
      return RetrySoon(fmt::format("timed out after {} ms; the provider may have received "
                                   "it ({})", r.elapsed.count(), r.error_text));
    case HttpResponse::Error::kConnect:
      return RetrySoon("cannot connect: " + r.error_text);
    case HttpResponse::Error::kTransport:
      return RetrySoon("connection failed mid-request; the provider may have received it (" +
                       r.error_text + ")");
  }
  if (r.status >= 500) {
    return RetrySoon(fmt::format("HTTP {} {}", r.status, BodySnippet(r.body, 120)));
  }
  if (r.status == 429) {
    Millis wait = std::chrono::minutes(1);
    const std::string after = r.Header("retry-after");
    char* end = nullptr;
    const long seconds = std::strtol(after.c_str(), &end, 10);
    if (!after.empty() && *end == '\0' && seconds > 0) wait = std::chrono::seconds(seconds);
    return RetryAfter(now + wait, fmt::format("HTTP 429 rate limited; retry after {} s",
                                              wait.count() / 1000));
  }
  return std::nullopt;
}

std::string ClockHint(const HttpResponse& r, SystemTime now) {
  const auto server = ParseHttpDate(r.Header("date"));
  if (!server) return fmt::format(" (check the clock: ours says {})", FormatUtc(now));
  const auto offset = std::chrono::duration_cast<std::chrono::seconds>(now - *server).count();
  return fmt::format(" (server Date: {}, our clock: {}, offset {:+} s)", FormatUtc(*server),
                     FormatUtc(now), offset);
}

std::string BodySnippet(const std::string& body, size_t max_bytes) {
  if (body.size() <= max_bytes) return body;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  return body.substr(0, cut) + "…";
}

HttpChannel::HttpChannel(std::string name, ChannelDeps deps, std::vector<std::string> secrets)
    : name_(std::move(name)), deps_(std::move(deps)), secrets_(std::move(secrets)) {
  // Very short "secrets" would scrub ordinary words; real ones are long.
  std::erase_if(secrets_, [](const std::string& s) { return s.size() < 6; });
}

bool HttpChannel::TakeTokens(const std::string& key, int n,
                             const std::function<void(SendResult)>& done) {
  if (deps_.limiter == nullptr) return true;
  const auto wait = deps_.limiter->TryTake(key, n);
  if (!wait) return true;
  std::string limits;
  for (const auto& l : deps_.limiter->limits()) {
    limits += (limits.empty() ? "" : " and ") + l.ToString();
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*wait).count();
  done(RetryAfter(Now() + *wait,
                  fmt::format("{} rate limit ({}, or the provider's pause); next send in {} s",
                              kHeldPrefix, limits.empty() ? "none" : limits, seconds)));
  return false;
}

void HttpChannel::Fetch(HttpRequest request, std::function<void(HttpResponse)> then) {
  deps_.http->Fetch(std::move(request), std::move(then));
}

void HttpChannel::Finish(const std::function<void(SendResult)>& done, SendResult result) const {
  result.detail = Scrub(std::move(result.detail));
  done(std::move(result));
}

std::string HttpChannel::Scrub(std::string text) const {
  for (const std::string& secret : secrets_) {
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

std::optional<model::Contact> HttpChannel::FindContact(const std::string& id) const {
  if (!deps_.find_contact || id.empty()) return std::nullopt;
  return deps_.find_contact(id);
}

}  // namespace duban::notify
