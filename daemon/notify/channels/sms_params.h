// SMS template parameters. Mainland SMS providers send only pre-approved
// templates, so a message kind (the binding id, e.g. weekly_report_reminder)
// maps to the provider's template code plus named parameters, each rendered
// from the digest's render context (OutboxRow::params: the first intent's
// facts plus items[], count and recipient) and fitted to its length limit by
// shortening, never by failing:
//
//   scalar  from: "{{recipient.name}}", max: 10
//           "欧阳建国同志" -> cut at a character with "…" when longer
//   list    list: items, field: unit, counter: 个村, max: 12
//           "上村、下村、东村、西村、北村" -> "上村、下村等5个村"
//
// Pure; any thread once compiled.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace duban::render {
class TemplateSet;
}

namespace duban::notify {

struct SmsParam {
  std::string name{};  // the template variable (Alibaba ${name}; Tencent: by order)
  // Scalar form: a mustache snippet over the render context.
  std::string from{};
  // List form (when `field` is set): the distinct values of `field` in the
  // elements of the context array `list`, joined with `separator`; when too
  // long, the first few + "等" + count + `counter`.
  std::string list = "items";
  std::string field{};
  std::string counter = "项";
  std::string separator = "、";
  size_t max_chars = 20;  // in characters (code points), not bytes

  bool is_list() const { return !field.empty(); }
};

struct SmsTemplate {
  std::string code{};              // SMS_123456 (Alibaba) or 1110 (Tencent TemplateId)
  std::vector<SmsParam> params{};  // in template order (Tencent {1}, {2}, ...)
};

// Cuts `value` to at most `max_chars` characters; a cut value ends in "…".
std::string ShortenScalar(std::string_view value, size_t max_chars);

// Joins `values` with `separator` if that fits in `max_chars`; otherwise
// keeps as many leading values as fit before "等<N><counter>" (N = all
// values), then tries "<N><counter>" alone, then cuts with "…". Never
// longer than `max_chars`.
std::string ShortenList(const std::vector<std::string>& values, size_t max_chars,
                        std::string_view separator, std::string_view counter);

// The rendered parameters of one message, in template order.
struct SmsMessage {
  std::string code;
  std::vector<std::pair<std::string, std::string>> params;
};

// A channel's templates by message kind, with the `from` snippets compiled.
class SmsTemplates {
 public:
  SmsTemplates();
  ~SmsTemplates();
  SmsTemplates(SmsTemplates&&) noexcept;
  SmsTemplates& operator=(SmsTemplates&&) noexcept;

  // kInvalidArgument naming "<kind>.<param>" for a snippet that does not
  // parse, a parameter with neither `from` nor `field`, or max 0.
  static Result<SmsTemplates> Compile(std::map<std::string, SmsTemplate> by_kind);

  bool empty() const { return by_kind_.empty(); }
  const std::map<std::string, SmsTemplate>& by_kind() const { return by_kind_; }

  // Renders the parameters of `kind` against `context` (a JSON object),
  // shortened to fit. kNotFound when `kind` has no template here.
  Result<SmsMessage> Render(const std::string& kind, const nlohmann::json& context) const;

  // One finding of Check().
  struct Problem {
    std::string kind;   // message kind
    std::string param;  // parameter name
    bool overlong = false;  // true: too long before shortening; false: missing data
    std::string message;    // "<kind> (<code>).<param>: ..."
  };
  // For `duban check`: renders every template against `sample` and reports
  // each variable the sample lacks, each parameter that renders empty, and
  // each one longer than its limit before shortening (with what it becomes).
  std::vector<Problem> Check(const nlohmann::json& sample) const;

 private:
  std::map<std::string, SmsTemplate> by_kind_;
  std::unique_ptr<render::TemplateSet> snippets_;  // "<kind>/<param>" -> from
};

// A render context like the digester's, for checks and `channel test`: a
// digest of five villages' overdue weekly reports to a liaison.
nlohmann::json SampleSmsContext();

}  // namespace duban::notify
