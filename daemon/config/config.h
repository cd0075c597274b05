// DaemonConfig: the one YAML file an administrator edits (config/duban.yaml),
// parsed and validated into an immutable value. Relative paths in the file
// are resolved against the file's own directory, so the daemon behaves the
// same whatever its working directory.
//
// Secrets are never written in the file: a secret-bearing key holds a
// reference (`file:/path`, `env:NAME`, or `credential:NAME` for a systemd
// LoadCredential= file), resolved only when a component needs the value.
//
// Pure data; LoadConfig may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/diagnostic.h"
#include "base/status.h"

namespace duban::config {

struct SecretRef {
  enum class Kind { kFile, kEnv, kCredential };
  Kind kind = Kind::kEnv;
  std::string name;  // a path, a variable name, or a credential name
  // "env:NAME" (never the value).
  std::string ToString() const;
};

// One parameter of an SMS channel's template (docs/channels.md): either a
// mustache snippet over the message's render context (`from`), or a list
// form over an array of it (`field` of each element of `list`).
struct SmsParamConfig {
  std::string name;       // the template variable
  std::string from;       // scalar form
  std::string list;       // list form: the context array ("" = items)
  std::string field;      // list form: the field of each element
  std::string counter;    // list form: "个村" in "上村等5个村" ("" = 项)
  std::string separator;  // list form: between values ("" = 、)
  int max = 0;            // characters; 0 = the channel type's default
};

// An approved SMS template for one message kind.
struct SmsTemplateConfig {
  std::string code;                    // SMS_123456 / Tencent TemplateId
  std::vector<SmsParamConfig> params;  // in file order: Tencent {1}, {2}, ...
  int line = 0;                        // where the entry is, for diagnostics
};

// One configured delivery channel. Which keys a type takes is checked by the
// loader; the values stay as text for notify/ to interpret.
struct ChannelConfig {
  std::string name;  // unique; referenced by contacts and routing
  std::string type;  // console, file, dingtalk, wecom, feishu, webhook,
                     // aliyun_sms, tencent_sms
  std::map<std::string, std::string> params;    // plain settings
  std::map<std::string, SecretRef> secrets;     // secret settings
  std::optional<int> rate_per_minute;           // overrides the channel default
  // SMS channels: approved templates by message kind (binding id).
  std::map<std::string, SmsTemplateConfig> sms_templates;
};

struct DaemonConfig {
  std::string source_file;   // the file this was read from
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  int http_threads = 8;
  // server.public_url: the address people's phones reach the daemon at, the
  // base of one-tap action links ("https://duban.example.gov.cn", no
  // trailing slash). Empty means http://<listen host>:<bound port>.
  std::string public_url;
  // server.link_key: the action-link HMAC key (at least 32 bytes), from a
  // file or systemd credential. Unset: a key kept in the database's meta
  // table, which travels with every backup; production should set it.
  std::optional<SecretRef> link_key;
  std::string database_path;
  int busy_timeout_ms = 5000;
  std::string time_zone = "Asia/Shanghai";
  std::string log_level = "info";
  std::vector<std::string> campaign_files;  // absolute paths
  std::string templates_dir;                // absolute path
  std::string holidays_file;                // absolute path
  std::vector<ChannelConfig> channels;
  // notify.group_wait: how long intents for one recipient and message kind
  // gather into one digest (critical ones never wait).
  Millis group_wait{std::chrono::minutes(2)};
  // notify.admin_contact: the contact told when a channel keeps failing for
  // notify.channel_alert_after (through another of their channels).
  std::string admin_contact;
  Millis channel_alert_after{std::chrono::minutes(30)};
};

// Reads and validates `path`. Every problem (unknown key, wrong type, missing
// required key, inline secret, bad value) is added to `diags` with file,
// line, column and key path; returns nullptr when any error was found.
std::shared_ptr<const DaemonConfig> LoadConfig(const std::string& path,
                                               Diagnostics* diags);

// Same, from text; `file_name` is what diagnostics call the file and the base
// for relative paths.
std::shared_ptr<const DaemonConfig> LoadConfigText(const std::string& text,
                                                   const std::string& file_name,
                                                   Diagnostics* diags);

// Parses "file:/path", "env:NAME" or "credential:NAME"; false for anything
// else (an inline secret).
bool ParseSecretRef(const std::string& text, SecretRef* out);

// Returns the secret's value. `credentials_dir` is $CREDENTIALS_DIRECTORY (set
// by systemd for LoadCredential=). Errors name the reference, never a value.
Result<std::string> ResolveSecret(const SecretRef& ref,
                                  const std::string& credentials_dir);

// The log levels the config and --log-level accept.
const std::vector<std::string>& LogLevels();

}  // namespace duban::config
