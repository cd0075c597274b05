// Field validation and condition evaluation. Parsing conditions lives in
// condition_parser.cc.
#include "workflow/fields.h"

#include <fmt/format.h>

#include <algorithm>

#include "workflow/spec.h"

namespace duban::workflow {
namespace {

// Characters, not bytes: labels and notes are Chinese.
int64_t Utf8Length(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

std::string EnumList(const FieldSpec& f) {
  std::string out;
  for (const auto& v : f.values) out += (out.empty() ? "" : ", ") + v.value;
  return out;
}

// The message for a value of the wrong type, or "" when the type fits.
std::string TypeProblem(const FieldSpec& f, const FieldValue& v) {
  switch (f.type) {
    case FieldType::kInt:
      return std::holds_alternative<int64_t>(v) ? "" : "must be a whole number";
    case FieldType::kBool:
      return std::holds_alternative<bool>(v) ? "" : "must be true or false";
    case FieldType::kText:
      return std::holds_alternative<std::string>(v) ? "" : "must be text";
    case FieldType::kDate: {
      const auto* s = std::get_if<std::string>(&v);
      return s != nullptr && ParseDate(*s) ? ""
                                           : "must be a date like 2024-06-30";
    }
    case FieldType::kEnum: {
      const auto* s = std::get_if<std::string>(&v);
      return s != nullptr && f.HasEnumValue(*s)
                 ? ""
                 : "must be one of: " + EnumList(f);
    }
  }
  return "";
}

// Constraint violations of a value whose type is right.
std::string ConstraintProblem(const FieldSpec& f, const FieldValue& v) {
  if (f.type == FieldType::kInt) {
    const int64_t n = std::get<int64_t>(v);
    if (f.min && n < *f.min) return fmt::format("must be at least {}", *f.min);
    if (f.max && n > *f.max) return fmt::format("must be at most {}", *f.max);
  }
  if (f.type == FieldType::kText && f.max_length &&
      Utf8Length(std::get<std::string>(v)) > *f.max_length) {
    return fmt::format("must be at most {} characters", *f.max_length);
  }
  return "";
}

std::string FailureMessage(const Condition& c) {
  if (!c.message.empty()) return c.message;
  return fmt::format("must satisfy '{}'", c.text);
}

std::optional<FieldValue> ValueOf(const Operand& o, const FieldValues& values) {
  switch (o.kind) {
    case Operand::Kind::kField: {
      const auto it = values.find(o.text);
      if (it == values.end()) return std::nullopt;
      return it->second;
    }
    case Operand::Kind::kInt:
      return FieldValue(o.number);
    case Operand::Kind::kBool:
      return FieldValue(o.flag);
    case Operand::Kind::kText:
      return FieldValue(o.text);
  }
  return std::nullopt;
}

// -1, 0, 1; nullopt when the values have different types.
std::optional<int> Compare(const FieldValue& a, const FieldValue& b) {
  if (a.index() != b.index()) return std::nullopt;
  if (const auto* n = std::get_if<int64_t>(&a)) {
    const int64_t m = std::get<int64_t>(b);
    return *n < m ? -1 : (*n > m ? 1 : 0);
  }
  if (const auto* f = std::get_if<bool>(&a)) {
    return *f == std::get<bool>(b) ? 0 : 1;
  }
  // Dates are fixed-width "YYYY-MM-DD", so text order is date order.
  const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kInt:
      return "int";
    case FieldType::kText:
      return "text";
    case FieldType::kBool:
      return "bool";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kDate:
      return "date";
  }
  return "text";
}

bool FieldSpec::HasEnumValue(std::string_view v) const {
  return std::any_of(values.begin(), values.end(),
                     [&](const EnumValue& e) { return e.value == v; });
}

const FieldSpec* FieldSet::Find(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string> Condition::Fields() const {
  std::vector<std::string> out = {field};
  if (rhs.kind == Operand::Kind::kField) out.push_back(rhs.text);
  return out;
}

std::vector<FieldError> Validate(const FieldSet& set,
                                 const FieldValues& values) {
  std::vector<FieldError> errors;
  for (const auto& [name, value] : values) {
    if (set.Find(name) == nullptr)
      errors.push_back({name, "is not a field of this form"});
  }
  // Fields that hold a usable value; checks only read these.
  FieldValues valid;
  for (const auto& f : set.fields) {
    const auto it = values.find(f.name);
    if (it == values.end()) {
      if (f.required) errors.push_back({f.name, "is required"});
      continue;
    }
    std::string problem = TypeProblem(f, it->second);
    if (problem.empty()) problem = ConstraintProblem(f, it->second);
    if (!problem.empty()) {
      errors.push_back({f.name, std::move(problem)});
      continue;
    }
    valid.insert(*it);
  }
  for (const auto& c : set.checks) {
    const std::optional<bool> ok = Evaluate(c, valid);
    if (ok.has_value() && !*ok) errors.push_back({c.field, FailureMessage(c)});
  }
  return errors;
}

std::vector<FieldError> CheckConditions(
    const std::vector<Condition>& conditions, const FieldValues& values) {
  std::vector<FieldError> errors;
  for (const auto& c : conditions) {
    const std::optional<bool> ok = Evaluate(c, values);
    if (ok.value_or(false)) continue;
    if (!ok.has_value()) {
      // Name the field that is missing, so the user knows what to fill in.
      const auto names = c.Fields();
      const auto missing = std::find_if(
          names.begin(), names.end(),
          [&](const auto& n) { return values.find(n) == values.end(); });
      if (missing != names.end()) {
        errors.push_back(
            {*missing,
             fmt::format("has no value, but '{}' must hold", c.text)});
        continue;
      }
    }
    errors.push_back({c.field, FailureMessage(c)});
  }
  return errors;
}

std::optional<bool> Evaluate(const Condition& c, const FieldValues& values) {
  const auto it = values.find(c.field);
  if (it == values.end()) return std::nullopt;
  const FieldValue& lhs = it->second;
  using Op = Condition::Op;
  switch (c.op) {
    case Op::kIsTrue:
    case Op::kIsFalse: {
      const auto* b = std::get_if<bool>(&lhs);
      if (b == nullptr) return std::nullopt;
      return c.op == Op::kIsTrue ? *b : !*b;
    }
    case Op::kIn:
    case Op::kNotIn: {
      bool found = false;
      for (const auto& o : c.set) {
        const auto v = ValueOf(o, values);
        if (!v) continue;
        const auto cmp = Compare(lhs, *v);
        if (!cmp) return std::nullopt;
        found = found || *cmp == 0;
      }
      return c.op == Op::kIn ? found : !found;
    }
    default:
      break;
  }
  const auto rhs = ValueOf(c.rhs, values);
  if (!rhs) return std::nullopt;
  const auto cmp = Compare(lhs, *rhs);
  if (!cmp) return std::nullopt;
  switch (c.op) {
    case Op::kEq:
      return *cmp == 0;
    case Op::kNe:
      return *cmp != 0;
    case Op::kLt:
      return *cmp < 0;
    case Op::kLe:
      return *cmp <= 0;
    case Op::kGt:
      return *cmp > 0;
    case Op::kGe:
      return *cmp >= 0;
    default:
      return std::nullopt;
  }
}

}  // namespace duban::workflow
