#include "config/channel_keys.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace duban::config {
namespace {

struct KeySpec {
  const char* key;
  bool required;
  bool secret;
};

struct TypeSpec {
  const char* type;
  std::vector<KeySpec> keys;
};

// Endpoints default to the providers' public URLs in notify/; `url` is
// configurable everywhere so tests and private gateways can point elsewhere.
const std::vector<TypeSpec>& Specs() {
  static const std::vector<TypeSpec> kSpecs = {
      // console and file are local sinks for demos and dry runs; `family`
      // (sms, markdown or text) makes them render and pace like that kind of
      // channel, e.g. SMS texts with SMS quiet hours.
      {"console", {{"family", false, false}}},
      {"file", {{"path", true, false}, {"family", false, false}}},
      {"dingtalk", {{"url", false, false}, {"token", true, true}, {"secret", false, true},
                    {"keyword", false, false}}},
      {"wecom", {{"url", false, false}, {"key", true, true}}},
      {"feishu", {{"url", false, false}, {"token", true, true}, {"secret", false, true},
                  {"keyword", false, false}}},
      {"webhook", {{"url", true, false}, {"secret", true, true}}},
      {"aliyun_sms", {{"url", false, false}, {"access_key_id", true, false},
                      {"access_key_secret", true, true}, {"sign_name", true, false}}},
      {"tencent_sms", {{"url", false, false}, {"secret_id", true, false},
                       {"secret_key", true, true}, {"sdk_app_id", true, false},
                       {"sign_name", true, false}, {"region", false, false}}},
  };
  return kSpecs;
}

// Parses "file:/p", "env:NAME" or "credential:NAME". The value itself is never
// echoed in a message: if someone pasted a real key, it must not reach a log.
bool ParseSecretRef(const std::string& text, SecretRef* out) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return false;
  const std::string kind = text.substr(0, colon);
  out->name = text.substr(colon + 1);
  if (kind == "file") out->kind = SecretRef::Kind::kFile;
  else if (kind == "env") out->kind = SecretRef::Kind::kEnv;
  else if (kind == "credential") out->kind = SecretRef::Kind::kCredential;
  else return false;
  return true;
}

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
      if (std::string_view(k.key) == "family") {
        if (auto f = reader.Enum("family", {"sms", "markdown", "text"})) out.params["family"] = *f;
        continue;
      }
      auto v = reader.String(k.key, k.required);
      if (!v) continue;
      if (!k.secret) {
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
