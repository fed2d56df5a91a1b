// `mtguard prefs list|get|set|unset`: the user preferences (prefs/prefs.h), kept in the
// Redis hash `<prefix>prefs` and mirrored to [prefs] file. Running processes pick a
// change up within a few seconds (PrefsWatcher); no restart.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "util/table.h"
#include "prefs/prefs_store.h"
#include "util/check.h"

namespace mtg {
namespace {

struct PrefsArgs {
  std::string key;
  std::string value;
};

// Connects and runs `body` with the store; returns its exit code.
template <typename Body>
int with_store(const CliContext& ctx, const std::string& what, Body body) {
  auto config = ctx.load("prefs");
  if (!config) return kExitFailed;
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail(what, redis.status());
  PrefsStore store(**redis, config->redis.prefix, config->prefs_file);
  return body(*config, store);
}

int run_list(const CliContext& ctx) {
  return with_store(ctx, "prefs list", [&ctx](const Config&, PrefsStore& store) {
    auto fields = store.fields();
    if (!fields) return fail("prefs list", fields.status());
    Table table({"key", "value"});
    for (const auto& [key, value] : *fields) table.add({key, value});
    MTG_CHECK(table.rows() == fields->size());
    table.print(std::cout, ctx.json);
    return kExitOk;
  });
}

int run_get(const CliContext& ctx, const std::string& key) {
  return with_store(ctx, "prefs get", [&key](const Config&, PrefsStore& store) {
    auto fields = store.fields();
    if (!fields) return fail("prefs get", fields.status());
    auto it = fields->find(key);
    if (it == fields->end()) return fail("prefs get", Status::not_found("preference " + key + " is not set"));


    std::cout << it->second << '\n';
    return kExitOk;
  });
}

// A cap on an unknown instance, or one at or above its configured max_volume, is
// accepted (instances come and go) but has no effect now: say so.
void warn_ineffective_cap(const Config& config, const std::string& key, const std::string& json_value) {
  auto prefs = parse_prefs({{key, json_value}});
  if (!prefs) return;
  for (const auto& [id, cap] : prefs->max_volume) {
    const InstanceConfig* inst = config.find_instance(id);
    if (inst == nullptr) {
      std::cerr << "mtguard: note: no instance " << id << " is configured; the cap applies once it is\n";
    } else if (cap >= inst->max_volume) {
      std::cerr << "mtguard: note: " << id << " is configured with max_volume " << inst->max_volume
                << "; a cap of " << cap << " changes nothing\n";
    }
  }
}

int run_set(const CliContext& ctx, const PrefsArgs& args) {
  return with_store(ctx, "prefs set", [&args](const Config& config, PrefsStore& store) {
    const std::string json_value = pref_json_from_text(args.value);
    Status s = store.set(args.key, json_value);
    if (!s.is_ok()) return fail("prefs set", s);
    warn_ineffective_cap(config, args.key, json_value);
    std::cout << args.key << " = " << json_value << '\n';
    return kExitOk;
  });
}

int run_unset(const CliContext& ctx, const std::string& key) {
  return with_store(ctx, "prefs unset", [&key](const Config&, PrefsStore& store) {
    Status s = store.unset(key);
    if (!s.is_ok()) return fail("prefs unset", s);
    std::cout << key << " unset\n";
    return kExitOk;
  });
}

}  // namespace

void add_prefs_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("prefs", "User preferences: list | get KEY | set KEY VALUE | unset KEY");
  cmd->require_subcommand(1);
  auto args = std::make_shared<PrefsArgs>();
  cmd->add_subcommand("list", "Every preference (key, JSON value)")->callback([&ctx] { ctx.exit_code = run_list(ctx); });
  CLI::App* get = cmd->add_subcommand("get", "One preference's JSON value");
  get->add_option("KEY", args->key, "Preference key")->required();
  get->callback([&ctx, args] { ctx.exit_code = run_get(ctx, args->key); });
  CLI::App* set = cmd->add_subcommand(
      "set", "Set a preference. Keys: notify.webhook_urls, signal.default_ttl_ms, instance.<id>.max_volume, "
             "backup.<kind>.interval_s. VALUE is JSON; text that is not JSON is taken as a string");
  set->add_option("KEY", args->key, "Preference key")->required();
  set->add_option("VALUE", args->value, "JSON value")->required();
  set->callback([&ctx, args] { ctx.exit_code = run_set(ctx, *args); });
  CLI::App* unset = cmd->add_subcommand("unset", "Remove a preference (its default applies again)");
  unset->add_option("KEY", args->key, "Preference key")->required();
  unset->callback([&ctx, args] { ctx.exit_code = run_unset(ctx, args->key); });
}

}  // namespace mtg
