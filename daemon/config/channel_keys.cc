#include "config/channel_keys.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace duban::config {
namespace {

enum class KeyKind {
  kText,       // plain text, kept in ChannelConfig::params
  kSecret,     // a file:/env:/credential: reference, kept in secrets
  kInt,        // a whole number >= 1, kept as text in params
  kBool,       // true/false, kept as "true"/"false" in params
  kFamily,     // sms, markdown or text
  kTemplates,  // the SMS templates map
};

struct KeySpec {
  const char* key;
  bool required;
  KeyKind kind;
};

struct TypeSpec {
  const char* type;
  std::vector<KeySpec> keys;
};

constexpr KeyKind kText = KeyKind::kText;
constexpr KeyKind kSecret = KeyKind::kSecret;

// Endpoints default to the providers' public URLs in notify/; `url` is
// configurable everywhere so tests and private gateways can point elsewhere.
// docs/channels.md documents every key.
const std::vector<TypeSpec>& Specs() {
  static const std::vector<TypeSpec> kSpecs = {
      // console and file are local sinks for demos and dry runs; `family`
      // (sms, markdown or text) makes them render and pace like that kind of
      // channel, e.g. SMS texts with SMS quiet hours.
      {"console", {{"family", false, KeyKind::kFamily}}},
      {"file", {{"path", true, kText}, {"family", false, KeyKind::kFamily}}},
      {"dingtalk", {{"url", false, kText}, {"token", true, kSecret}, {"secret", false, kSecret},
                    {"keyword", false, kText}, {"mention", false, KeyKind::kBool},
                    {"timeout_ms", false, KeyKind::kInt}}},
      {"wecom", {{"url", false, kText}, {"key", true, kSecret}, {"mention", false, KeyKind::kBool},
                 {"timeout_ms", false, KeyKind::kInt}}},
      {"feishu", {{"url", false, kText}, {"token", true, kSecret}, {"secret", false, kSecret},
                  {"keyword", false, kText}, {"mention", false, KeyKind::kBool},
                  {"timeout_ms", false, KeyKind::kInt}}},
      {"webhook", {{"url", true, kText}, {"secret", true, kSecret},
                   {"timeout_ms", false, KeyKind::kInt}}},
      {"aliyun_sms", {{"url", false, kText}, {"access_key_id", true, kText},
                      {"access_key_secret", true, kSecret}, {"sign_name", true, kText},
                      {"templates", false, KeyKind::kTemplates},
                      {"per_number_per_day", false, KeyKind::kInt},
                      {"timeout_ms", false, KeyKind::kInt}}},
      {"tencent_sms", {{"url", false, kText}, {"secret_id", true, kText},
                       {"secret_key", true, kSecret}, {"sdk_app_id", true, kText},
                       {"sign_name", true, kText}, {"region", false, kText},
                       {"templates", false, KeyKind::kTemplates},
                       {"per_number_per_day", false, KeyKind::kInt},
                       {"timeout_ms", false, KeyKind::kInt}}},
  };
  return kSpecs;
}

// templates:
//   <message kind>:
//     code: SMS_123
//     params:
//       <name>: {from: "{{recipient.name}}", max: 10}
//       <name>: {list: items, field: unit, counter: 个村, separator: "、", max: 20}
void ReadSmsTemplates(const YAML::Node& node, const std::string& path, yamlread::Context& ctx,
                      ChannelConfig& out) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) continue;  // MapReader::Finish-like errors come from yaml keys
    const std::string kind = it->first.Scalar();
    const std::string tpath = yamlread::JoinPath(path, kind);
    yamlread::MapReader t(it->second, tpath, &ctx);
    if (!t.valid()) continue;
    SmsTemplateConfig tpl;
    tpl.line = yamlread::LineOf(it->first);
    tpl.code = t.String("code", true).value_or("");
    if (auto params = t.Map("params")) {
      for (auto p = params->begin(); p != params->end(); ++p) {
        if (!p->first.IsScalar()) continue;
        SmsParamConfig param;
        param.name = p->first.Scalar();
        yamlread::MapReader r(p->second, yamlread::JoinPath(yamlread::JoinPath(tpath, "params"),
                                                            param.name),
                              &ctx);
        if (!r.valid()) continue;
        param.from = r.String("from").value_or("");
        param.list = r.String("list").value_or("");
        param.field = r.String("field").value_or("");
        param.counter = r.String("counter").value_or("");
        param.separator = r.String("separator").value_or("");
        param.max = static_cast<int>(r.Int("max", false, 1, 500).value_or(0));
        if (param.from.empty() == param.field.empty()) {
          r.Error(param.field.empty() ? "from" : "field",
                  "give either `from` (a mustache snippet) or `field` (a list parameter)",
                  "from: \"{{recipient.name}}\", or list: items, field: unit, counter: 个村");
        } else if (param.field.empty() &&
                   (!param.list.empty() || !param.counter.empty() || !param.separator.empty())) {
          r.Error("list", "list, counter and separator belong to a list parameter (with field)");
        }
        r.Finish();
        tpl.params.push_back(std::move(param));
      }
    }
    t.Finish();
    out.sms_templates[kind] = std::move(tpl);
  }
}

// Parses "file:/p", "env:NAME" or "credential:NAME". The value itself is never
// echoed in a message: if someone pasted a real key, it must not reach a log.
}  // namespace

const std::vector<std::string>& ChannelTypes() {
  static const std::vector<std::string> kTypes = [] {
    std::vector<std::string> t;
    for (const auto& s : Specs()) t.emplace_back(s.type);
    return t;
  }();
  return kTypes;
}

void ReadChannelKeys(const std::string& type, yamlread::MapReader& reader,
                     ChannelConfig& out) {
  for (const auto& spec : Specs()) {
    if (type != spec.type) continue;
    for (const auto& k : spec.keys) {
      switch (k.kind) {
        case KeyKind::kFamily:
          if (auto f = reader.Enum(k.key, {"sms", "markdown", "text"})) out.params[k.key] = *f;
          continue;
        case KeyKind::kInt:
          if (auto n = reader.Int(k.key, k.required, 1, 1000000)) {
            out.params[k.key] = std::to_string(*n);
          }
          continue;
        case KeyKind::kBool:
          if (auto b = reader.Bool(k.key, k.required)) out.params[k.key] = *b ? "true" : "false";
          continue;
        case KeyKind::kTemplates:
          if (auto m = reader.Map(k.key, k.required)) {
            ReadSmsTemplates(*m, yamlread::JoinPath(reader.path(), k.key), reader.ctx(), out);
          }
          continue;
        case KeyKind::kText:
        case KeyKind::kSecret:
          break;
      }
      auto v = reader.String(k.key, k.required);
      if (!v) continue;
      if (k.kind == KeyKind::kText) {
        out.params[k.key] = *v;
        continue;
      }
      SecretRef ref;
      if (!ParseSecretRef(*v, &ref)) {
        reader.Error(k.key,
                     "secrets must be given by reference, not inline (the value "
                     "is not shown here)",
                     "write file:/path/to/secret, env:VARIABLE or credential:NAME");
        continue;
      }
      out.secrets[k.key] = ref;
    }
  }
}

}  // namespace duban::config
