// Readers for typed fields, checks and conditions.
#include <fmt/format.h>

#include "workflow/condition_parser.h"
#include "workflow/load_sections.h"

namespace duban::workflow {
namespace {

using yamlread::IndexPath;
using yamlread::JoinPath;
using yamlread::MapReader;

const std::vector<std::string>& TypeNames() {
  static const std::vector<std::string> kNames = {"int", "text", "bool", "enum",
                                                  "date"};
  return kNames;
}

FieldType TypeFromName(const std::string& name) {
  if (name == "int") return FieldType::kInt;
  if (name == "bool") return FieldType::kBool;
  if (name == "enum") return FieldType::kEnum;
  if (name == "date") return FieldType::kDate;
  return FieldType::kText;
}

bool IsEnumValue(const std::string& v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// `values:` of an enum: a list ([A, B]) or a mapping of value → label.
void ReadEnumValues(const YAML::Node& node, const std::string& path,
                    FieldSpec& f, LoadState& s) {
  if (!node.IsSequence() && !node.IsMap()) {
    s.Error(node, path,
            "expected a list of values or a mapping of value: label");
    return;
  }
  if (!CheckCount(node, path, "values", kMaxEntries, s)) return;
  IdRegistry ids("value");
  size_t i = 0;
  for (auto it = node.begin(); it != node.end(); ++it, ++i) {
    const YAML::Node key = node.IsMap() ? it->first : *it;
    const std::string p = node.IsMap() ? path : IndexPath(path, i);
    auto value = yamlread::ToString(key, p, s.ctx);
    if (!value) continue;
    if (!IsEnumValue(*value)) {
      s.Error(
          key, p,
          fmt::format("'{}' is not a valid enum value", value->substr(0, 64)),
          "enum values use letters, digits and '_'; put Chinese text in the "
          "label");
      continue;
    }
    if (!ids.Add(*value, key, p, s.ctx)) continue;
    std::string label = *value;
    if (node.IsMap()) {
      auto l = yamlread::ToString(it->second, JoinPath(path, *value), s.ctx);
      if (l) label = *l;
    }
    f.values.push_back({*value, label});
  }
  if (f.values.empty() && node.size() == 0)
    s.Error(node, path, "an enum needs at least one value");
}

// On failure after the name was read, `*name_out` holds the name.
std::optional<FieldSpec> ReadField(const YAML::Node& node,
                                   const std::string& path, LoadState& s,
                                   std::string* name_out) {
  MapReader m(node, path, &s.ctx);
  if (!m.valid()) return std::nullopt;
  FieldSpec f;
  auto name = s.ReadId(m, "name");
  if (name) *name_out = *name;
  f.label = m.String("label").value_or("");
  auto type = m.Enum("type", TypeNames(), true);
  f.required = m.Bool("required").value_or(false);
  f.min = m.Int("min");
  f.max = m.Int("max");
  f.max_length = m.Int("max_length", false, 1, 1000000);
  auto values = m.Any("values");
  m.Allow("description");
  m.Finish();
  if (!name || !type) return std::nullopt;
  f.name = *name;
  f.type = TypeFromName(*type);
  if (f.label.empty()) f.label = f.name;
  bool ok = true;
  auto only_for = [&](const char* key, bool present, FieldType wanted) {
    if (present && f.type != wanted) {
      m.Error(key, fmt::format("'{}' applies only to {} fields, and '{}' is {}",
                               key, FieldTypeName(wanted), f.name, *type));
      ok = false;
    }
  };
  only_for("min", m.Has("min"), FieldType::kInt);
  only_for("max", m.Has("max"), FieldType::kInt);
  only_for("max_length", m.Has("max_length"), FieldType::kText);
  only_for("values", values.has_value(), FieldType::kEnum);
  if (f.min && f.max && *f.min > *f.max) {
    m.Error("max",
            fmt::format("max ({}) is less than min ({})", *f.max, *f.min));
    ok = false;
  }
  if (f.type == FieldType::kEnum) {
    if (!values) {
      s.Error(node, JoinPath(path, "values"),
              fmt::format("enum field '{}' needs values", f.name),
              "for example: values: [A, B, C, D]");
      return std::nullopt;
    }
    ReadEnumValues(*values, JoinPath(path, "values"), f, s);
    if (f.values.empty()) return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return f;
}

}  // namespace

std::string BrokenFieldKey(const std::string& set_path,
                           const std::string& name) {
  return set_path + "/" + name;
}

std::optional<Condition> ReadCondition(const YAML::Node& node,
                                       const std::string& path,
                                       const FieldSet& fields, LoadState& s) {
  YAML::Node text_node = node;
  std::string text_path = path;
  std::string message;
  if (node.IsMap()) {
    MapReader m(node, path, &s.ctx);
    auto c = m.Any("condition", true);
    message = m.String("message").value_or("");
    m.Finish();
    if (!c) return std::nullopt;
    text_node = *c;
    text_path = JoinPath(path, "condition");
  }
  auto text = yamlread::ToString(text_node, text_path, s.ctx);
  if (!text) return std::nullopt;
  ConditionError error;
  auto c = ParseCondition(*text, fields, &error);
  if (!c) {
    s.Error(text_node, text_path, error.message, error.hint);
    return std::nullopt;
  }
  c->message = message;
  return c;
}

std::vector<Condition> ReadConditions(const YAML::Node& list,
                                      const std::string& path,
                                      const FieldSet& fields, LoadState& s) {
  std::vector<Condition> out;
  auto items = AsList(list, path, s.ctx);
  if (!items || !CheckCount(list, path, "conditions", kMaxEntries, s))
    return out;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string p = list.IsSequence() ? IndexPath(path, i) : path;
    if (auto c = ReadCondition((*items)[i], p, fields, s))
      out.push_back(std::move(*c));
  }
  return out;
}

FieldSet ReadFieldSet(const std::optional<YAML::Node>& fields,
                      const std::optional<YAML::Node>& checks,
                      const std::string& path, LoadState& s, bool* complete) {
  FieldSet set;
  bool ok = true;
  const std::string fields_path = JoinPath(path, "fields");
  if (fields) {
    if (!fields->IsSequence()) {
      s.Error(*fields, fields_path, "expected a list of fields");
      ok = false;
    } else if (CheckCount(*fields, fields_path, "fields", kMaxEntries, s)) {
      IdRegistry ids("field");
      for (size_t i = 0; i < fields->size(); ++i) {
        const std::string p = IndexPath(fields_path, i);
        std::string name;
        auto f = ReadField((*fields)[i], p, s, &name);
        if (f && ids.Add(f->name, (*fields)[i]["name"], JoinPath(p, "name"),
                         s.ctx)) {
          set.fields.push_back(std::move(*f));
        } else {
          ok = false;
          if (!f && !name.empty())
            s.MarkBroken("field", BrokenFieldKey(path, name));
        }
      }
    } else {
      ok = false;
    }
  }
  // Conditions over a broken field list would report fields that are only
  // missing because of an error already reported; wait for the fix.
  if (checks && ok)
    set.checks = ReadConditions(*checks, JoinPath(path, "checks"), set, s);
  if (complete != nullptr) *complete = ok;
  return set;
}

}  // namespace duban::workflow
