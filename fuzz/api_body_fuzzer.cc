// API JSON bodies: what the HTTP layer does with a request body before a
// command reaches the engine, without HTTP. The body is parsed as
// http_server.cc parses it; its "fields" member goes through
// api::FieldValuesFromJson (POST /items, /items/{id}/events, /reports) and
// then workflow::Validate against a form like the sample campaigns'; string
// members named like the time parameters go through api::ParseTimeParam.
//
// Properties: a refused body yields a kInvalidArgument whose 422 reply names
// the field and serialises as strict UTF-8; accepted values are exactly the
// numbers, booleans and strings that were sent (no wrap-around, no lost
// fraction); values survive the trip API -> store row -> ItemJson; whatever
// Validate accepts fits the form; a parsed time prints back to itself.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/convert.h"
#include "fuzz_check.h"
#include "workflow/condition_parser.h"
#include "workflow/spec.h"

namespace {

using namespace duban;
using nlohmann::json;
using workflow::FieldSpec;
using workflow::FieldType;

const SystemTime kNow = FromUnixMillis(1712894400000);

// The weekly report of workflows/jiafeng-2024-hundred-day.yaml, shortened:
// one field of each type plus a cross-field check.
workflow::FieldSet MakeForm() {
  workflow::FieldSet set;
  auto add = [&set](std::string name, FieldType type, bool required) -> FieldSpec& {
    FieldSpec f;
    f.name = std::move(name);
    f.label = f.name;
    f.type = type;
    f.required = required;
    set.fields.push_back(std::move(f));
    return set.fields.back();
  };
  add("mis_checked", FieldType::kInt, true).min = 0;
  FieldSpec& surveyed = add("mis_surveyed", FieldType::kInt, false);
  surveyed.min = 0;
  surveyed.max = 100000;
  add("note", FieldType::kText, false).max_length = 20;
  add("control_active", FieldType::kBool, false);
  add("appraisal_level", FieldType::kEnum, false).values = {{"C", "C级"}, {"D", "D级"}};
  add("completed_on", FieldType::kDate, false);
  workflow::ConditionError error;
  auto check = workflow::ParseCondition("mis_surveyed <= mis_checked", set, &error);
  FUZZ_CHECK(check.has_value());
  set.checks.push_back(*check);
  return set;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The value as sent equals the value as accepted.
bool SameValue(const json& sent, const workflow::FieldValue& got) {
  if (const bool* b = std::get_if<bool>(&got)) return sent.is_boolean() && sent.get<bool>() == *b;
  if (const std::string* s = std::get_if<std::string>(&got)) {
    return sent.is_string() && sent.get_ref<const std::string&>() == *s;
  }
  const int64_t n = std::get<int64_t>(got);
  if (sent.is_number_unsigned()) return n >= 0 && sent.get<uint64_t>() == static_cast<uint64_t>(n);
  if (sent.is_number_integer()) return sent.get<int64_t>() == n;
  // A whole float: compare as the exact double it was.
  return sent.is_number_float() && sent.get<double>() == static_cast<double>(n);
}

// What workflow::Validate accepted must fit `set`.
void CheckAccepted(const workflow::FieldSet& set, const workflow::FieldValues& values) {
  for (const auto& [name, value] : values) FUZZ_CHECK(set.Find(name) != nullptr);
  for (const FieldSpec& f : set.fields) {
    auto it = values.find(f.name);
    if (it == values.end()) {
      FUZZ_CHECK(!f.required);
      continue;
    }
    const workflow::FieldValue& v = it->second;
    switch (f.type) {
      case FieldType::kInt: {
        FUZZ_CHECK(std::holds_alternative<int64_t>(v));
        const int64_t n = std::get<int64_t>(v);
        FUZZ_CHECK(!f.min || n >= *f.min);
        FUZZ_CHECK(!f.max || n <= *f.max);
        break;
      }
      case FieldType::kBool:
        FUZZ_CHECK(std::holds_alternative<bool>(v));
        break;
      case FieldType::kText:
        FUZZ_CHECK(std::holds_alternative<std::string>(v));
        FUZZ_CHECK(!f.max_length ||
                   Utf8Length(std::get<std::string>(v)) <= static_cast<size_t>(*f.max_length));
        break;
      case FieldType::kEnum:
        FUZZ_CHECK(std::holds_alternative<std::string>(v));
        FUZZ_CHECK(f.HasEnumValue(std::get<std::string>(v)));
        break;
      case FieldType::kDate:
        FUZZ_CHECK(std::holds_alternative<std::string>(v));
        FUZZ_CHECK(workflow::ParseDate(std::get<std::string>(v)).has_value());
        break;
    }
  }
  if (values.count("mis_surveyed") && values.count("mis_checked")) {
    FUZZ_CHECK(std::get<int64_t>(values.at("mis_surveyed")) <=
               std::get<int64_t>(values.at("mis_checked")));
  }
}

void CheckRefusal(const Status& status) {
  FUZZ_CHECK(status.code() == StatusCode::kInvalidArgument);
  const api::HttpError e = api::ErrorFromStatus(status);
  FUZZ_CHECK(e.status == 422);
  FUZZ_CHECK(e.field.empty() || e.detail.rfind(e.field + ":", 0) == 0);
  // Strict dump: throws (and so crashes here) on text that is not UTF-8.
  (void)api::ErrorBody(e).dump();
}

void CheckFields(const json& fields) {
  static const workflow::FieldSet kForm = MakeForm();
  auto values = api::FieldValuesFromJson(fields);
  if (!values.ok()) {
    CheckRefusal(values.status());
    return;
  }
  size_t non_null = 0;
  if (fields.is_object()) {
    for (const auto& [name, v] : fields.items()) {
      if (v.is_null()) continue;
      ++non_null;
      auto it = values->find(name);
      FUZZ_CHECK(it != values->end());
      FUZZ_CHECK(SameValue(v, it->second));
    }
  }
  FUZZ_CHECK(values->size() == non_null);

  // API -> store row -> API: an item's data is the values' JSON.
  const json stored = api::FieldValuesToJson(*values);
  auto again = api::FieldValuesFromJson(stored);
  FUZZ_CHECK(again.ok() && *again == *values);
  store::Item item;
  item.data = stored.dump();
  const json shown = api::ItemJson(item, kNow);
  for (const auto& [name, v] : *values) {
    if (name.empty() || name[0] == '_') continue;  // bookkeeping, never shown
    FUZZ_CHECK(shown["fields"].contains(name));
    FUZZ_CHECK(SameValue(shown["fields"][name], v));
  }

  if (workflow::Validate(kForm, *values).empty()) CheckAccepted(kForm, *values);
}

void CheckTime(const std::string& name, const std::string& text) {
  auto t = api::ParseTimeParam(name, text);
  if (!t.ok()) {
    CheckRefusal(t.status());
    FUZZ_CHECK(api::ErrorFromStatus(t.status()).field == name);
    return;
  }
  if (!t->has_value()) return;
  auto again = api::ParseTimeParam(name, api::TimeText(**t));
  FUZZ_CHECK(again.ok() && again->has_value() && **again == **t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // As HttpServer::Impl::Api: no exceptions, a discarded value when bad.
  json body = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (body.is_discarded()) return 0;
  FUZZ_CHECK(json::parse(body.dump()) == body);  // what we echo, we read back
  if (!body.is_object()) {
    CheckFields(body);  // FieldValuesFromJson must refuse a non-object too
    return 0;
  }
  CheckFields(body.value("fields", json()));
  for (const char* name : {"due_from", "due_to", "from", "to"}) {
    auto it = body.find(name);
    if (it != body.end() && it->is_string()) CheckTime(name, it->get<std::string>());
  }
  return 0;
}
