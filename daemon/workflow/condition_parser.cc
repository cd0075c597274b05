#include "workflow/condition_parser.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "base/strings.h"
#include "workflow/spec.h"

namespace duban::workflow {
namespace {

struct Token {
  enum class Kind {
    kEnd,
    kIdent,
    kNumber,
    kString,
    kOp,
    kLBracket,
    kRBracket,
    kComma,
    kBad
  };
  Kind kind = Kind::kEnd;
  std::string text;
};

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ') {
      ++i;
      continue;
    }
    Token t;
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < s.size() && IsIdentChar(s[j])) ++j;
      t = {Token::Kind::kIdent, std::string(s.substr(i, j - i))};
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      size_t j = i + 1;
      while (j < s.size() &&
             (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '-'))
        ++j;
      t = {Token::Kind::kNumber, std::string(s.substr(i, j - i))};
      i = j;
    } else if (c == '\'' || c == '"') {
      const size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) {
        out.push_back({Token::Kind::kBad, "a quote is not closed"});
        return out;
      }
      t = {Token::Kind::kString, std::string(s.substr(i + 1, end - i - 1))};
      i = end + 1;
    } else if (c == '[' || c == ']' || c == ',') {
      t = {c == '[' ? Token::Kind::kLBracket
                    : (c == ']' ? Token::Kind::kRBracket : Token::Kind::kComma),
           std::string(1, c)};
      ++i;
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      const bool two = i + 1 < s.size() && s[i + 1] == '=';
      t = {Token::Kind::kOp, std::string(s.substr(i, two ? 2 : 1))};
      i += two ? 2 : 1;
    } else {
      // One whole UTF-8 character, so the message quotes it intact.
      size_t j = i + 1;
      while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80)
        ++j;
      out.push_back({Token::Kind::kBad, fmt::format("unexpected character '{}'",
                                                    s.substr(i, j - i))});
      return out;
    }
    out.push_back(std::move(t));
  }
  out.push_back({Token::Kind::kEnd, ""});
  return out;
}

std::vector<std::string> FieldNames(const FieldSet& fields) {
  std::vector<std::string> names;
  for (const auto& f : fields.fields) names.push_back(f.name);
  return names;
}

class Parser {
 public:
  Parser(std::string_view text, const FieldSet& fields, ConditionError* error)
      : tokens_(Tokenize(text)), fields_(fields), error_(error) {}

  std::optional<Condition> Parse();

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() {
    return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_];
  }
  bool Fail(std::string message, std::string hint = {}) {
    if (error_->message.empty())
      *error_ = {std::move(message), std::move(hint)};
    return false;
  }
  const FieldSpec* Field(const std::string& name) {
    const FieldSpec* f = fields_.Find(name);
    if (f == nullptr)
      Fail(fmt::format("unknown field '{}'", name),
           DidYouMean(name, FieldNames(fields_)));
    return f;
  }
  std::optional<Operand> Value(const FieldSpec& lhs);
  bool ParseSet(const FieldSpec& lhs, Condition& c);

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  const FieldSet& fields_;
  ConditionError* error_;
};

std::optional<Operand> Parser::Value(const FieldSpec& lhs) {
  const Token t = Next();
  if (t.kind == Token::Kind::kIdent && t.text != "true" && t.text != "false") {
    if (const FieldSpec* other = fields_.Find(t.text)) {
      if (other->type != lhs.type) {
        Fail(fmt::format("cannot compare {} field '{}' with {} field '{}'",
                         FieldTypeName(lhs.type), lhs.name,
                         FieldTypeName(other->type), other->name));
        return std::nullopt;
      }
      return Operand{Operand::Kind::kField, t.text, 0, false};
    }
    // Not a field: a bare word is an enum value or text; anything else was
    // meant as a field name.
    if (lhs.type == FieldType::kInt || lhs.type == FieldType::kDate) {
      Field(t.text);
      return std::nullopt;
    }
  }
  if (t.kind != Token::Kind::kIdent && t.kind != Token::Kind::kNumber &&
      t.kind != Token::Kind::kString) {
    Fail(t.kind == Token::Kind::kEnd ? "the condition ends too early"
                                     : fmt::format("unexpected '{}'", t.text));
    return std::nullopt;
  }
  ConditionError literal_error;
  const auto v = LiteralFor(lhs, t.text, &literal_error);
  if (!v) {
    Fail(literal_error.message, literal_error.hint);
    return std::nullopt;
  }
  Operand o;
  if (const auto* n = std::get_if<int64_t>(&*v)) {
    o.kind = Operand::Kind::kInt;
    o.number = *n;
  } else if (const auto* b = std::get_if<bool>(&*v)) {
    o.kind = Operand::Kind::kBool;
    o.flag = *b;
  }
  o.text = t.text;
  return o;
}

bool Parser::ParseSet(const FieldSpec& lhs, Condition& c) {
  if (Next().kind != Token::Kind::kLBracket)
    return Fail("expected '[' after 'in'", "write: level in [C, D]");
  while (true) {
    auto v = Value(lhs);
    if (!v) return false;
    c.set.push_back(std::move(*v));
    const Token t = Next();
    if (t.kind == Token::Kind::kRBracket) return true;
    if (t.kind != Token::Kind::kComma)
      return Fail("expected ',' or ']' in the list");
  }
}

std::optional<Condition> Parser::Parse() {
  Condition c;
  using Op = Condition::Op;
  // The tokenizer stops at the first character it cannot read.
  if (tokens_.back().kind == Token::Kind::kBad) {
    Fail(tokens_.back().text,
         "field names use letters, digits and '_'; quote text values");
    return std::nullopt;
  }
  Token first = Next();
  bool negated = false;
  if (first.kind == Token::Kind::kIdent && first.text == "not" &&
      Peek().kind == Token::Kind::kIdent) {
    negated = true;
    first = Next();
  }
  if (first.kind == Token::Kind::kEnd)
    return Fail("empty condition"), std::nullopt;
  if (first.kind != Token::Kind::kIdent) {
    Fail(fmt::format("a condition starts with a field name, got '{}'",
                     first.text));
    return std::nullopt;
  }
  const FieldSpec* lhs = Field(first.text);
  if (lhs == nullptr) return std::nullopt;
  c.field = lhs->name;
  c.field_type = lhs->type;
  const Token op = Next();
  if (negated || op.kind == Token::Kind::kEnd) {
    if (lhs->type != FieldType::kBool) {
      Fail(fmt::format("field '{}' is {}, not bool; compare it instead",
                       lhs->name, FieldTypeName(lhs->type)),
           fmt::format("for example: {} == ...", lhs->name));
      return std::nullopt;
    }
    c.op = negated ? Op::kIsFalse : Op::kIsTrue;
    if (negated && op.kind != Token::Kind::kEnd) {
      Fail(fmt::format("unexpected '{}' after 'not {}'", op.text, lhs->name));
      return std::nullopt;
    }
    return c;
  }
  if (op.kind == Token::Kind::kIdent && (op.text == "in" || op.text == "not")) {
    if (op.text == "not" &&
        !(Peek().kind == Token::Kind::kIdent && Next().text == "in")) {
      return Fail("expected 'in' after 'not'"), std::nullopt;
    }
    c.op = op.text == "in" ? Op::kIn : Op::kNotIn;
    if (!ParseSet(*lhs, c)) return std::nullopt;
  } else if (op.kind == Token::Kind::kOp && op.text != "=" && op.text != "!") {
    static const std::pair<const char*, Op> kOps[] = {
        {"==", Op::kEq}, {"!=", Op::kNe}, {"<", Op::kLt},
        {"<=", Op::kLe}, {">", Op::kGt},  {">=", Op::kGe}};
    for (const auto& [text, value] : kOps) {
      if (op.text == text) c.op = value;
    }
    const bool ordering = c.op != Op::kEq && c.op != Op::kNe;
    if (ordering && lhs->type != FieldType::kInt &&
        lhs->type != FieldType::kDate) {
      Fail(fmt::format("'{}' compares numbers or dates, but field '{}' is {}",
                       op.text, lhs->name, FieldTypeName(lhs->type)));
      return std::nullopt;
    }
    auto rhs = Value(*lhs);
    if (!rhs) return std::nullopt;
    c.rhs = std::move(*rhs);
  } else {
    Fail(fmt::format(
        "expected an operator (==, !=, <, <=, >, >=, in) after '{}', got '{}'",
        lhs->name, op.text));
    return std::nullopt;
  }
  if (Peek().kind != Token::Kind::kEnd) {
    Fail(
        fmt::format("unexpected '{}' after the condition", Peek().text),
        "write one comparison per condition; list several to require them all");
    return std::nullopt;
  }
  return c;
}

}  // namespace

std::optional<FieldValue> LiteralFor(const FieldSpec& spec,
                                     std::string_view text,
                                     ConditionError* error) {
  switch (spec.type) {
    case FieldType::kInt: {
      int64_t n = 0;
      const auto [p, ec] =
          std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec == std::errc() && p == text.data() + text.size())
        return FieldValue(n);
      *error = {fmt::format("field '{}' is int, but '{}' is not a whole number",
                            spec.name, text),
                ""};
      return std::nullopt;
    }
    case FieldType::kBool:
      if (text == "true") return FieldValue(true);
      if (text == "false") return FieldValue(false);
      *error = {fmt::format("field '{}' is bool, but '{}' is not true or false",
                            spec.name, text),
                ""};
      return std::nullopt;
    case FieldType::kDate:
      if (ParseDate(text)) return FieldValue(std::string(text));
      *error = {
          fmt::format(
              "field '{}' is a date, but '{}' is not a date like 2024-06-30",
              spec.name, text),
          ""};
      return std::nullopt;
    case FieldType::kEnum: {
      if (spec.HasEnumValue(text)) return FieldValue(std::string(text));
      std::vector<std::string> values;
      std::string list;
      for (const auto& v : spec.values) {
        values.push_back(v.value);
        list += (list.empty() ? "" : ", ") + v.value;
      }
      *error = {fmt::format("'{}' is not a value of field '{}' ({})", text,
                            spec.name, list),
                // One-letter values (A, B, C, D) are all one edit apart, so a
                // suggestion among them would be a guess.
                text.size() > 2 ? DidYouMean(text, values) : ""};
      return std::nullopt;
    }
    case FieldType::kText:
      return FieldValue(std::string(text));
  }
  return std::nullopt;
}

std::optional<Condition> ParseCondition(std::string_view text,
                                        const FieldSet& fields,
                                        ConditionError* error) {
  *error = {};
  Parser parser(text, fields, error);
  auto c = parser.Parse();
  if (!c) {
    if (error->message.empty()) error->message = "cannot read the condition";
    return std::nullopt;
  }
  c->text = std::string(Trim(text));
  return c;
}

}  // namespace duban::workflow
