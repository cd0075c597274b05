// `duban token create|revoke|list`: API bearer tokens. The secret is shown
// once at creation and only its SHA-256 is stored; every change is audited
// with actor "cli". `duban token ics` prints a unit's calendar-feed URL.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "app/cli_store.h"
#include "app/commands.h"
#include "base/time_format.h"

namespace duban::app {
namespace {

struct TokenArgs {
  std::string config = "config/duban.yaml";
  std::string role;
  std::string unit;
  std::string contact;
  std::string label;
  std::string expires;
  std::string id;
};

store::AuditEntry CliAudit(SystemTime now, const char* action, nlohmann::json payload) {
  store::AuditEntry a;
  a.at = now;
  a.actor = "cli";
  a.via = "cli";
  a.action = action;
  a.payload = payload.dump();
  return a;
}

int Create(const TokenArgs& args) {
  const auto& known = api::TokenRoles();
  if (std::find(known.begin(), known.end(), args.role) == known.end()) {
    std::string roles;
    for (const auto& r : api::TokenRoles()) roles += (roles.empty() ? "" : ", ") + r;
    std::fprintf(stderr, "unknown role '%s'; a token's role is one of: %s\n", args.role.c_str(),
                 roles.c_str());
    return 1;
  }
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  auto units = db->store->ListUnits();
  if (!units.ok()) {
    std::fprintf(stderr, "%s\n", units.status().ToString().c_str());
    return 1;
  }
  const auto unit = std::find_if(units->begin(), units->end(),
                                 [&](const model::Unit& u) { return u.id == args.unit; });
  if (unit == units->end()) {
    std::fprintf(stderr,
                 "unknown unit '%s'; import the units first (duban import units FILE.csv) or "
                 "check the id\n",
                 args.unit.c_str());
    return 1;
  }
  if (!args.contact.empty()) {
    auto contacts = db->store->ListContacts();
    if (!contacts.ok()) {
      std::fprintf(stderr, "%s\n", contacts.status().ToString().c_str());
      return 1;
    }
    const auto c = std::find_if(contacts->begin(), contacts->end(),
                                [&](const model::Contact& x) { return x.id == args.contact; });
    if (c == contacts->end()) {
      std::fprintf(stderr, "unknown contact '%s'\n", args.contact.c_str());
      return 1;
    }
    if (c->unit_id != args.unit) {
      std::fprintf(stderr, "contact '%s' belongs to unit '%s', not '%s'\n", args.contact.c_str(),
                   c->unit_id.c_str(), args.unit.c_str());
      return 1;
    }
  }
  std::optional<SystemTime> expires;
  if (!args.expires.empty()) {
    auto at = ParseUntil(args.expires, db->now);
    if (!at.ok()) {
      std::fprintf(stderr, "--expires: %s\n", at.status().message().c_str());
      return 1;
    }
    expires = *at;
  }
  api::IssuedToken t =
      api::NewToken(args.role, args.unit, args.contact, args.label, db->now, expires);
  nlohmann::json payload = {{"token_id", t.record.id},
                            {"role", t.record.role},
                            {"unit_id", t.record.unit_id},
                            {"contact_id", t.record.contact_id},
                            {"label", t.record.label},
                            {"expires_at", expires ? nlohmann::json(FormatUtc(*expires))
                                                   : nlohmann::json(nullptr)}};
  Status st = db->store->InsertToken(t.record, CliAudit(db->now, "token.create", payload));
  if (!st.ok()) {
    std::fprintf(stderr, "storing the token failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "token %s: role %s, unit %s (%s)%s\n", t.record.id.c_str(),
               args.role.c_str(), args.unit.c_str(), unit->name.c_str(),
               expires ? (", expires " + FormatLocal(*db->config, *expires)).c_str() : "");
  std::printf("%s\n", t.bearer.c_str());
  std::fprintf(stderr,
               "请立即妥善保存此令牌，它不会再次显示 (keep this token now: it is never shown "
               "again; only its hash is stored)\n");
  return 0;
}

int Revoke(const TokenArgs& args) {
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  Status st = db->store->RevokeToken(args.id, db->now,
                                     CliAudit(db->now, "token.revoke", {{"token_id", args.id}}));
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n",
                 st.code() == StatusCode::kNotFound
                     ? fmt::format("no token with id '{}' (see duban token list)", args.id).c_str()
                     : st.ToString().c_str());
    return 1;
  }
  std::printf("token %s revoked\n", args.id.c_str());
  return 0;
}

int List(const TokenArgs& args) {
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  auto tokens = db->store->ListTokens();
  if (!tokens.ok()) {
    std::fprintf(stderr, "%s\n", tokens.status().ToString().c_str());
    return 1;
  }
  std::printf("%-14s %-10s %-16s %-20s %-19s %-19s %-8s %s\n", "ID", "ROLE", "UNIT", "CONTACT",
              "CREATED", "EXPIRES", "STATUS", "LABEL");
  for (const auto& t : *tokens) {
    const char* status = t.revoked_at                          ? "revoked"
                         : (t.expires_at && *t.expires_at <= db->now) ? "expired"
                                                                      : "active";
    std::printf("%-14s %-10s %-16s %-20s %-19s %-19s %-8s %s\n", t.id.c_str(), t.role.c_str(),
                t.unit_id.c_str(), t.contact_id.empty() ? "-" : t.contact_id.c_str(),
                FormatLocal(*db->config, t.created_at).c_str(),
                t.expires_at ? FormatLocal(*db->config, *t.expires_at).c_str() : "never", status,
                t.label.c_str());
  }
  return 0;
}

// The URL a unit's people subscribe to in their phone calendar, signed with
// the same key the daemon uses (as app.cc's LinkKey chooses it).
int IcsUrl(const TokenArgs& args) {
  auto db = OpenCliStore(args.config);
  if (!db) return 1;
  auto units = db->store->ListUnits();
  if (!units.ok()) {
    std::fprintf(stderr, "%s\n", units.status().ToString().c_str());
    return 1;
  }
  if (std::none_of(units->begin(), units->end(),
                   [&](const model::Unit& u) { return u.id == args.unit; })) {
    std::fprintf(stderr, "unknown unit '%s'\n", args.unit.c_str());
    return 1;
  }
  Result<std::string> key = Status::Internal("unset");
  if (db->config->link_key) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    key = config::ResolveSecret(*db->config->link_key, dir != nullptr ? dir : "");
  } else {
    key = api::LoadOrCreateLinkKey(*db->store);
  }
  if (!key.ok()) {
    std::fprintf(stderr, "server.link_key: %s\n", key.status().ToString().c_str());
    return 1;
  }
  std::string base = db->config->public_url;
  if (base.empty()) {
    base = fmt::format("http://{}:{}", db->config->listen_host, db->config->listen_port);
    std::fprintf(stderr, "server.public_url is not set; phones cannot open %s\n", base.c_str());
  }
  auto url = api::MintFeedUrl(args.unit, *key, base);
  if (!url.ok()) {
    std::fprintf(stderr, "%s\n", url.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", url->c_str());
  return 0;
}

}  // namespace

void AddTokenCommand(CLI::App& cli, int* exit_code) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* cmd = cli.add_subcommand("token", "Create, revoke and list API bearer tokens");
  cmd->require_subcommand(1);
  cmd->add_option("-c,--config", args->config, "Configuration file")->capture_default_str();

  CLI::App* create = cmd->add_subcommand(
      "create", "Create a token; it is printed once, only its hash is stored");
  create->add_option("--role", args->role,
                     "admin, supervisor, office, liaison, department or agency")
      ->required();
  create->add_option("--unit", args->unit, "The unit the token acts for (its scope)")->required();
  create->add_option("--contact", args->contact, "The contact it is issued to (optional)");
  create->add_option("--label", args->label, "A note for `token list`");
  create->add_option("--expires", args->expires, "30d, 12h, 2w, or an RFC 3339 time");
  create->add_option("-c,--config", args->config, "Configuration file");
  create->callback([args, exit_code] { *exit_code = Create(*args); });

  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a token by id; it stops working at once");
  revoke->add_option("id", args->id, "Token id (t_…), as `token list` shows it")->required();
  revoke->add_option("-c,--config", args->config, "Configuration file");
  revoke->callback([args, exit_code] { *exit_code = Revoke(*args); });

  CLI::App* list = cmd->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("-c,--config", args->config, "Configuration file");
  list->callback([args, exit_code] { *exit_code = List(*args); });

  CLI::App* ics = cmd->add_subcommand("ics", "Print a unit's calendar feed URL (日历订阅链接)");
  ics->add_option("--unit", args->unit, "The unit whose deadlines (and its subtree's) it shows")
      ->required();
  ics->add_option("-c,--config", args->config, "Configuration file");
  ics->callback([args, exit_code] { *exit_code = IcsUrl(*args); });
}

}  // namespace duban::app
