// JSON shapes of the API: field values in and out, items, audit records,
// delivery receipts, units, contacts and silences, and the mapping of a
// Status to an HTTP error. Pure functions; any thread. docs/openapi.yaml
// describes the same shapes: keep them in step.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "model/model.h"
#include "store/records.h"
#include "workflow/fields.h"

namespace duban::api {

// A JSON object of field values: true/false, whole numbers and text; null
// leaves a field out. kInvalidArgument "<name>: …" for anything else (a
// fraction, a list, an object) or when `j` is not an object.
Result<workflow::FieldValues> FieldValuesFromJson(const nlohmann::json& j);
nlohmann::json FieldValuesToJson(const workflow::FieldValues& values);

// RFC 3339 in UTC with milliseconds: "2024-04-12T04:00:00.000Z".
std::string TimeText(SystemTime t);
// An optional time parameter `name` with value `text` ("" = absent):
// kInvalidArgument "<name>: …" unless RFC 3339 with an offset.
Result<std::optional<SystemTime>> ParseTimeParam(const std::string& name, const std::string& text);

// An item as the API shows it; `now` decides "overdue". Bookkeeping keys of
// the item's data (those starting with '_') are left out of "fields".
nlohmann::json ItemJson(const store::Item& item, SystemTime now);
nlohmann::json AuditJson(const store::AuditEntry& entry);
// A delivery receipt; the message body is included only when `with_body`.
nlohmann::json OutboxJson(const store::OutboxRow& row, bool with_body);
nlohmann::json UnitJson(const model::Unit& unit);
// Mobile numbers are masked ("138****0000") unless `full`.
nlohmann::json ContactJson(const model::Contact& contact, bool full);
nlohmann::json SilenceJson(const store::Silence& silence);
// A form field of a campaign: name, label, type, required, limits, values.
nlohmann::json FieldSpecJson(const workflow::FieldSpec& field);

// "+8613800000000" → "138****0000": the first three and last four digits
// of a mainland number; other numbers keep only their last two digits.
std::string MaskMobile(std::string_view mobile);

// An HTTP error for a non-OK status: kInvalidArgument → 422 (field = the
// first word before ':' of the message, when it is a field name),
// kNotFound → 404, kConflict → 409, kPermissionDenied → 403, retryable
// codes → 503, anything else → 500 with a generic detail.
struct HttpError {
  int status = 500;
  std::string code;    // "invalid_argument", "not_found", ...
  std::string detail;
  std::string field;   // "" when none
};
HttpError ErrorFromStatus(const Status& status);

// {"error": code, "detail": text, "field": name?}
nlohmann::json ErrorBody(const HttpError& error);

}  // namespace duban::api
