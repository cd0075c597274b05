#include "config/config.h"

#include <cstdio>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "config/channel_keys.h"
#include "yamlread/yamlread.h"

namespace duban::config {
namespace {

namespace fs = std::filesystem;
using yamlread::MapReader;

std::string Resolve(const std::string& base_dir, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute()) return path.lexically_normal().string();
  return (fs::path(base_dir) / path).lexically_normal().string();
}

void ReadListen(MapReader& server, DaemonConfig& cfg) {
  auto listen = server.String("listen");
  if (!listen) return;
  const size_t colon = listen->rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    try {
      size_t used = 0;
      port = std::stoi(listen->substr(colon + 1), &used);
      if (used != listen->size() - colon - 1) port = -1;
    } catch (...) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    server.Error("listen", fmt::format("expected host:port, got '{}'", *listen),
                 "for example 127.0.0.1:8080; port 0 picks a free port");
    return;
  }
  std::string host = listen->substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8080
  }
  cfg.listen_host = host;
  cfg.listen_port = port;
}

void ReadChannels(const YAML::Node& list, yamlread::Context& ctx, DaemonConfig& cfg) {
  for (size_t i = 0; i < list.size(); ++i) {
    MapReader ch(list[i], yamlread::IndexPath("channels", i), &ctx);
    if (!ch.valid()) continue;
    ChannelConfig c;
    c.name = ch.String("name", true).value_or("");
    auto type = ch.Enum("type", ChannelTypes(), true);
    if (type) c.type = *type;
    if (auto r = ch.Int("rate_per_minute", false, 1, 100000)) c.rate_per_minute = static_cast<int>(*r);
    // Without a known type we cannot tell which keys belong, so only the type
    // error is reported for this entry.
    if (type) {
      ReadChannelKeys(*type, ch, c);
      ch.Finish();
    }
    for (const auto& other : cfg.channels) {
      if (!c.name.empty() && other.name == c.name) {
        ch.Error("name", fmt::format("duplicate channel name '{}'", c.name),
                 "each channel needs its own name");
      }
    }
    cfg.channels.push_back(std::move(c));
  }
}

}  // namespace

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

std::string SecretRef::ToString() const {
  switch (kind) {
    case Kind::kFile: return "file:" + name;
    case Kind::kEnv: return "env:" + name;
    case Kind::kCredential: return "credential:" + name;
  }
  return name;
}

const std::vector<std::string>& LogLevels() {
  static const std::vector<std::string> kLevels = {"trace", "debug", "info",
                                                   "warn", "error", "critical", "off"};
  return kLevels;
}

std::shared_ptr<const DaemonConfig> LoadConfigText(const std::string& text,
                                                   const std::string& file_name,
                                                   Diagnostics* diags) {
  yamlread::Context ctx(file_name, diags);
  const int errors_before = diags->error_count();
  auto root = yamlread::Parse(text, ctx);
  if (!root) return nullptr;

  auto cfg = std::make_shared<DaemonConfig>();
  cfg->source_file = file_name;
  const std::string base_dir =
      fs::path(file_name).parent_path().empty()
          ? fs::current_path().string()
          : fs::absolute(fs::path(file_name).parent_path()).string();

  MapReader top(*root, "", &ctx);
  if (auto server_node = top.Map("server", true)) {
    MapReader server(*server_node, "server", &ctx);
    ReadListen(server, *cfg);
    if (auto t = server.Int("threads", false, 1, 256)) cfg->http_threads = static_cast<int>(*t);
    if (auto url = server.String("public_url")) {
      std::string u = *url;
      while (!u.empty() && u.back() == '/') u.pop_back();
      if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
        server.Error("public_url", fmt::format("expected an http:// or https:// URL, got '{}'", *url),
                     "the address phones open action links at, e.g. https://duban.example.gov.cn");
      } else {
        cfg->public_url = u;
      }
    }
    if (auto key = server.String("link_key")) {
      SecretRef ref;
      if (!ParseSecretRef(*key, &ref)) {
        server.Error("link_key",
                     "secrets must be given by reference, not inline (the value is not shown here)",
                     "write file:/path/to/link.key or credential:NAME");
      } else {
        cfg->link_key = ref;
      }
    }
    server.Finish();
  }
  if (auto db_node = top.Map("database", true)) {
    MapReader db(*db_node, "database", &ctx);
    if (auto p = db.String("path", true)) cfg->database_path = Resolve(base_dir, *p);
    if (auto t = db.Int("busy_timeout_ms", false, 0, 600000)) cfg->busy_timeout_ms = static_cast<int>(*t);
    db.Finish();
  }
  if (auto tz = top.String("time_zone")) cfg->time_zone = *tz;
  if (auto lvl = top.Enum("log_level", LogLevels())) cfg->log_level = *lvl;
  if (auto files = top.StringList("campaigns", true)) {
    for (const auto& f : *files) cfg->campaign_files.push_back(Resolve(base_dir, f));
    if (files->empty()) top.Error("campaigns", "at least one campaign file is needed");
  }
  if (auto t = top.String("templates_dir", true)) cfg->templates_dir = Resolve(base_dir, *t);
  if (auto h = top.String("holidays", true)) cfg->holidays_file = Resolve(base_dir, *h);
  if (auto channels = top.Sequence("channels")) ReadChannels(*channels, ctx, *cfg);
  if (auto notify_node = top.Map("notify")) {
    MapReader n(*notify_node, "notify", &ctx);
    // "90s", "2m", "1h": short, unambiguous, and what operators write.
    auto duration = [&n](const char* key, Millis* out) {
      auto text = n.String(key);
      if (!text) return;
      char unit = 0;
      long long v = -1;
      char extra = 0;
      const int got = std::sscanf(text->c_str(), "%lld%c%c", &v, &unit, &extra);
      const long long ms_per_unit = unit == 's'   ? 1000
                                    : unit == 'm' ? 60 * 1000
                                    : unit == 'h' ? 3600 * 1000
                                                  : 0;
      // Bounded before multiplying: an overflow would be undefined, and in
      // practice wrapped "2562047788015216h" to half an hour.
      if (got != 2 || ms_per_unit == 0 || v < 0 ||
          v > std::numeric_limits<Millis::rep>::max() / ms_per_unit) {
        n.Error(key, fmt::format("invalid duration '{}'", *text), "write e.g. 90s, 2m or 1h");
        return;
      }
      *out = Millis(v * ms_per_unit);
    };
    duration("group_wait", &cfg->group_wait);
    duration("channel_alert_after", &cfg->channel_alert_after);
    if (auto a = n.String("admin_contact")) cfg->admin_contact = *a;
    n.Finish();
  }
  top.Finish();

  if (diags->error_count() > errors_before) return nullptr;
  return cfg;
}

std::shared_ptr<const DaemonConfig> LoadConfig(const std::string& path,
                                               Diagnostics* diags) {
  yamlread::Context ctx(path, diags);
  auto text = yamlread::ReadFile(path, ctx);
  if (!text) return nullptr;
  return LoadConfigText(*text, path, diags);
}

Result<std::string> ResolveSecret(const SecretRef& ref,
                                  const std::string& credentials_dir) {
  std::string path;
  switch (ref.kind) {
    case SecretRef::Kind::kEnv: {
      const char* v = std::getenv(ref.name.c_str());
      if (v == nullptr || *v == '\0') {
        return Status::NotFound("secret not set", ref.ToString());
      }
      return std::string(v);
    }
    case SecretRef::Kind::kFile:
      path = ref.name;
      break;
    case SecretRef::Kind::kCredential:
      if (credentials_dir.empty()) {
        return Status::NotFound(
            "secret not available: CREDENTIALS_DIRECTORY is not set (is "
            "LoadCredential= in the unit?)",
            ref.ToString());
      }
      path = (fs::path(credentials_dir) / ref.name).string();
      break;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read secret file", ref.ToString());
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string value = ss.str();
  // Files written by `echo` end in a newline that is not part of the secret.
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return Status::NotFound("secret file is empty", ref.ToString());
  return value;
}

}  // namespace duban::config
