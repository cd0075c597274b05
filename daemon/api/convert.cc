#include "api/convert.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "base/time_format.h"

namespace duban::api {
namespace {

bool IsFieldName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.';
  });
}

void PutTime(nlohmann::json& j, const char* key, const std::optional<SystemTime>& t) {
  j[key] = t ? nlohmann::json(TimeText(*t)) : nlohmann::json(nullptr);
}

}  // namespace

Result<workflow::FieldValues> FieldValuesFromJson(const nlohmann::json& j) {
  if (j.is_null()) return workflow::FieldValues{};
  if (!j.is_object()) return Status::InvalidArgument("fields: expected an object of field values");
  workflow::FieldValues out;
  for (const auto& [name, v] : j.items()) {
    if (v.is_null()) continue;
    if (v.is_boolean()) {
      out[name] = v.get<bool>();
    } else if (v.is_number_unsigned() &&
               v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      // get<int64_t>() would wrap it to a negative number.
      return Status::InvalidArgument(
          fmt::format("{}: {} is too large for a whole number", name, v.dump()));
    } else if (v.is_number_integer()) {
      out[name] = v.get<int64_t>();
    } else if (v.is_number_float()) {
      const double d = v.get<double>();
      // Range first: converting a double outside int64_t is undefined.
      if (!(d >= -0x1p63 && d < 0x1p63)) {
        return Status::InvalidArgument(
            fmt::format("{}: {} is too large for a whole number", name, v.dump()));
      }
      // 3.0 is a whole number to a person filling in a form.
      if (d != static_cast<double>(static_cast<int64_t>(d))) {
        return Status::InvalidArgument(fmt::format("{}: expected a whole number", name));
      }
      out[name] = static_cast<int64_t>(d);
    } else if (v.is_string()) {
      out[name] = v.get<std::string>();
    } else {
      return Status::InvalidArgument(
          fmt::format("{}: expected true/false, a whole number or text", name));
    }
  }
  return out;
}

nlohmann::json FieldValuesToJson(const workflow::FieldValues& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, v] : values) {
    // `key` rather than the binding itself: clang before 16 cannot capture a
    // structured binding, and the fuzz build uses clang 14.
    const std::string& key = name;
    std::visit([&](const auto& x) { j[key] = x; }, v);
  }
  return j;
}

std::string TimeText(SystemTime t) { return FormatUtc(t); }

Result<std::optional<SystemTime>> ParseTimeParam(const std::string& name, const std::string& text) {
  if (text.empty()) return std::optional<SystemTime>();
  auto t = ParseRfc3339(text);
  if (!t) {
    return Status::InvalidArgument(
        fmt::format("{}: expected an RFC 3339 time with an offset, e.g. "
                    "2024-04-12T12:00:00+08:00; got '{}'",
                    name, text));
  }
  return std::optional<SystemTime>(*t);
}

nlohmann::json ItemJson(const store::Item& it, SystemTime now) {
  nlohmann::json fields = nlohmann::json::object();
  nlohmann::json data = nlohmann::json::parse(it.data, nullptr, false);
  if (data.is_object()) {
    for (const auto& [k, v] : data.items()) {
      if (!k.empty() && k[0] != '_') fields[k] = v;
    }
  }
  nlohmann::json j = {
      {"id", it.id},
      {"campaign", it.campaign},
      {"kind", it.kind},
      {"key", it.key},
      {"owner_unit", it.owner_unit},
      {"state", it.state},
      {"severity", it.severity},
      {"open", it.open()},
      {"overdue", it.open() && it.due_at && *it.due_at < now},
      {"fields", fields},
      {"created_at", TimeText(it.created_at)},
      {"updated_at", TimeText(it.updated_at)},
      {"state_entered_at", TimeText(it.state_entered_at)},
  };
  j["department_unit"] = it.department_unit.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(it.department_unit);
  j["period"] = it.period.empty() ? nlohmann::json(nullptr) : nlohmann::json(it.period);
  PutTime(j, "due_at", it.due_at);
  PutTime(j, "resolved_at", it.resolved_at);
  PutTime(j, "acknowledged_at", it.acknowledged_at);
  return j;
}

nlohmann::json AuditJson(const store::AuditEntry& e) {
  nlohmann::json payload = nlohmann::json::parse(e.payload, nullptr, false);
  if (payload.is_discarded()) payload = e.payload;
  return {{"seq", e.seq},       {"at", TimeText(e.at)}, {"actor", e.actor},
          {"via", e.via},       {"action", e.action},   {"payload", payload},
          {"hash", e.hash}};
}

nlohmann::json OutboxJson(const store::OutboxRow& r, bool with_body) {
  nlohmann::json j = {
      {"id", r.id},
      {"created_at", TimeText(r.created_at)},
      {"channel", r.channel},
      {"recipient", r.recipient},
      {"binding", r.binding},
      {"campaign", r.campaign},
      {"severity", r.severity},
      {"title", r.title},
      {"items", r.items},
      {"state", r.state},
      {"attempts", r.attempts},
      {"next_attempt_at", TimeText(r.next_attempt_at)},
      {"last_error", r.last_error},
      {"provider_id", r.provider_id},
  };
  PutTime(j, "sent_at", r.sent_at);
  if (with_body) j["body"] = r.body;
  return j;
}

nlohmann::json UnitJson(const model::Unit& u) {
  nlohmann::json j = {{"id", u.id},
                      {"name", u.name},
                      {"level", model::LevelName(u.level)},
                      {"parent_id", u.parent_id.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(u.parent_id)}};
  j["division_code"] =
      u.division_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.division_code);
  j["attached_level"] = u.attached_level ? nlohmann::json(model::LevelName(*u.attached_level))
                                         : nlohmann::json(nullptr);
  return j;
}

nlohmann::json ContactJson(const model::Contact& c, bool full) {
  nlohmann::json j = {{"id", c.id},     {"unit_id", c.unit_id},   {"role", c.role},
                      {"name", c.name}, {"channels", c.channels}};
  j["mobile"] = c.mobile.empty() ? nlohmann::json(nullptr)
                                 : nlohmann::json(full ? c.mobile : MaskMobile(c.mobile));
  return j;
}

nlohmann::json SilenceJson(const store::Silence& s) {
  auto opt = [](const std::string& v) {
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  nlohmann::json j = {{"id", s.id},
                      {"unit_id", opt(s.unit_id)},
                      {"kind", opt(s.kind)},
                      {"channel", opt(s.channel)},
                      {"starts_at", TimeText(s.starts_at)},
                      {"expires_at", TimeText(s.expires_at)},
                      {"reason", s.reason},
                      {"created_by", s.created_by},
                      {"created_at", TimeText(s.created_at)}};
  PutTime(j, "cancelled_at", s.cancelled_at);
  return j;
}

nlohmann::json FieldSpecJson(const workflow::FieldSpec& f) {
  nlohmann::json j = {{"name", f.name},
                      {"label", f.label},
                      {"type", std::string(workflow::FieldTypeName(f.type))},
                      {"required", f.required}};
  if (f.min) j["min"] = *f.min;
  if (f.max) j["max"] = *f.max;
  if (f.max_length) j["max_length"] = *f.max_length;
  if (!f.values.empty()) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : f.values) values.push_back({{"value", v.value}, {"label", v.label}});
    j["values"] = values;
  }
  return j;
}

std::string MaskMobile(std::string_view mobile) {
  std::string digits;
  for (char c : mobile) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() == 13 && digits.rfind("86", 0) == 0) digits = digits.substr(2);
  if (digits.size() == 11) return digits.substr(0, 3) + "****" + digits.substr(7);
  if (digits.size() <= 2) return std::string(digits.size(), '*');
  return std::string(digits.size() - 2, '*') + digits.substr(digits.size() - 2);
}

HttpError ErrorFromStatus(const Status& s) {
  HttpError e;
  e.detail = s.message();
  switch (s.code()) {
    case StatusCode::kInvalidArgument: {
      e.status = 422;
      e.code = "invalid_argument";
      const std::string_view first = std::string_view(e.detail).substr(0, e.detail.find('\n'));
      const size_t colon = first.find(':');
      if (colon != std::string_view::npos && IsFieldName(first.substr(0, colon))) {
        e.field = std::string(first.substr(0, colon));
      }
      break;
    }
    case StatusCode::kNotFound:
      e.status = 404;
      e.code = "not_found";
      break;
    case StatusCode::kConflict:
      e.status = 409;
      e.code = "conflict";
      break;
    case StatusCode::kPermissionDenied:
      e.status = 403;
      e.code = "forbidden";
      break;
    case StatusCode::kResourceExhausted:
      // The store's only use of it: SQLITE_FULL.
      e.status = 503;
      e.code = "storage_full";
      e.detail = "the database's disk is full: nothing was saved; retry once space is freed";
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      e.status = 503;
      e.code = "unavailable";
      e.detail = "the daemon is busy or cannot write its database: nothing was saved; retry shortly";
      break;
    default:
      e.status = 500;
      e.code = "internal";
      e.detail = "internal error; see the daemon log";
      break;
  }
  return e;
}

nlohmann::json ErrorBody(const HttpError& e) {
  nlohmann::json body = {{"error", e.code}, {"detail", e.detail}};
  if (!e.field.empty()) body["field"] = e.field;
  return body;
}

}  // namespace duban::api
