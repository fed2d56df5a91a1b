// `mtguard creds set|list|rotate-key|terminal-config`: broker credentials sealed in
// PostgreSQL. The password is read from standard input only (never argv, which `ps`
// shows), the process cannot dump core while it holds one, and no output ever contains
// it; only the terminal config file it is written into (0600) does.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "util/table.h"
#include "credentials/credential_store.h"
#include "credentials/terminal_config.h"
#include "crypto/master_key.h"
#include "store/postgres/pg_client.h"
#include "util/check.h"

namespace mtg {
namespace {

struct TerminalConfigArgs {
  std::string instance;
  std::string path;
};

struct SetArgs {
  std::string instance;
  int64_t login = 0;
  std::string server;
  bool password_stdin = false;
};

// The configuration, the current master key and a PostgreSQL client for one command.
struct CredsSession {
  Config config;
  std::unique_ptr<PgClient> pg;
  std::unique_ptr<CredentialStore> store;
};

Result<CredsSession> open_session(Config config) {
  MTG_RETURN_IF_ERROR(disable_core_dumps());
  auto key = crypto::load_master_key(config.key_file);
  if (!key) return key.status().with_context("master key");
  auto pg = PgClient::connect(config.postgres);
  if (!pg) return pg.status();
  auto store = CredentialStore::open(**pg, {std::move(key).value()});
  if (!store) return store.status();
  MTG_CHECK(*pg != nullptr);
  MTG_CHECK(*store != nullptr);
  return CredsSession{std::move(config), std::move(pg).value(), std::move(store).value()};
}

// Loads the configuration (which reports its own errors) and opens a session.
Result<CredsSession> open_session(const CliContext& ctx, const std::string& what) {
  auto config = ctx.load("creds");
  if (!config) return config.status();
  auto session = open_session(std::move(config).value());
  if (!session) (void)fail(what, session.status());
  return session;
}

Result<SecretString> read_password_from_stdin() {
  const bool echo_off = disable_echo(STDIN_FILENO);
  if (echo_off) std::cerr << "broker password: " << std::flush;
  auto password = read_secret_line(std::cin, kMaxCredentialPasswordBytes);
  if (echo_off) {
    restore_echo(STDIN_FILENO);
    std::cerr << '\n';
  }
  return password;
}

int run_set(const CliContext& ctx, const SetArgs& args) {
  if (!args.password_stdin) {
    std::cerr
        << "mtguard creds set: --password-stdin is required (passwords are never taken from arguments)\n";
    return kExitUsage;
  }
  auto session = open_session(ctx, "creds set");
  if (!session) return kExitFailed;
  auto password = read_password_from_stdin();
  if (!password) return fail("creds set", password.status());
  Status status = session->store->set(args.instance, args.login, args.server, password->view());
  if (!status.is_ok()) return fail("creds set", status);
  Table table({"instance", "login", "server", "key_id"});
  table.add({args.instance, std::to_string(args.login), args.server, session->store->current_key_id()});
  MTG_CHECK(table.rows() == 1);

  table.print(std::cout, ctx.json);
  return kExitOk;
}

int run_list(const CliContext& ctx) {
  auto session = open_session(ctx, "creds list");
  if (!session) return kExitFailed;
  auto infos = session->store->list();
  if (!infos) return fail("creds list", infos.status());
  Table table({"instance", "login", "server", "key_id", "updated_at"});
  for (const CredentialInfo& info : *infos) {
    table.add({info.instance, std::to_string(info.login), info.server, info.key_id, info.updated_at});
  }
  MTG_CHECK(table.rows() == infos->size());
  table.print(std::cout, ctx.json);
  return kExitOk;
}

// Loads the new key from its file, creating it (0600) first when it does not exist.
// Precondition: the current key is loaded already. load_master_key prefers
// MTGUARD_MASTER_KEY_HEX, so it is cleared from this process first: the new key must
// come from the file.
Result<crypto::MasterKey> load_or_create_key(const std::string& path) {
  unsetenv(crypto::kMasterKeyEnv);
  auto key = crypto::load_master_key(path);
  if (key.is_ok() || key.status().code() != Code::kNotFound) return key;
  MTG_RETURN_IF_ERROR(crypto::create_master_key(path));
  std::cerr << "mtguard creds rotate-key: created new key file " << path << '\n';
  return crypto::load_master_key(path);
}

int run_rotate(const CliContext& ctx, const std::string& new_key_file) {
  auto session = open_session(ctx, "creds rotate-key");
  if (!session) return kExitFailed;
  auto new_key = load_or_create_key(new_key_file);
  if (!new_key) return fail("creds rotate-key", new_key.status().with_context("new key " + new_key_file));
  if (new_key->key_id == session->store->current_key_id()) {
    return fail("creds rotate-key",
                Status::invalid("the new key is the current key (" + new_key->key_id + ")"));
  }
  const std::string old_key_id = session->store->current_key_id();
  MTG_CHECK(old_key_id != new_key->key_id);
  auto rotated = session->store->rotate(*new_key);
  if (!rotated) return fail("creds rotate-key", rotated.status());
  MTG_CHECK(*rotated >= 0);
  MTG_CHECK(session->store->current_key_id() == new_key->key_id);  // rotate() made it current
  Table table({"rotated", "old_key_id", "new_key_id"});
  table.add({std::to_string(*rotated), old_key_id, new_key->key_id});
  table.print(std::cout, ctx.json);
  if (!ctx.json) {
    std::cerr << "now install the new key: keep " << session->config.key_file << " as the old key, move "
              << new_key_file << " to " << session->config.key_file
              << " and restart engine/backend (see docs/operations.md, \"Broker credentials\")\n";
  }
  return kExitOk;
}

// Writes the instance's MT5 start-up config, for its recovery command to restart the
// terminal with (`terminal64.exe /config:FILE`); prints where, never the password.
int run_terminal_config(const CliContext& ctx, const TerminalConfigArgs& args) {
  auto session = open_session(ctx, "creds terminal-config");
  if (!session) return kExitFailed;
  auto credential = session->store->get(args.instance);
  if (!credential) return fail("creds terminal-config", credential.status());
  MTG_CHECK(credential->instance == args.instance);  // get() names the credential by its argument

  Status status = render_terminal_config(*credential, args.path);
  if (!status.is_ok()) return fail("creds terminal-config", status);
  Table table({"instance", "login", "server", "path"});
  table.add({credential->instance, std::to_string(credential->login), credential->server, args.path});
  table.print(std::cout, ctx.json);
  return kExitOk;
}

}  // namespace

void add_creds_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "creds",
      "creds set | list | rotate-key | terminal-config: broker credentials, encrypted in PostgreSQL");
  cmd->require_subcommand(1);

  auto args = std::make_shared<SetArgs>();
  CLI::App* set =
      cmd->add_subcommand("set", "Store an instance's broker login; the password is read from stdin");
  set->add_option("--instance", args->instance, "Instance id")->required();
  set->add_option("--login", args->login, "Broker account number")->required();
  set->add_option("--server", args->server, "Broker server name")->required();
  set->add_flag("--password-stdin", args->password_stdin,
                "Read the password as one line from standard input");
  set->callback([&ctx, args] { ctx.exit_code = run_set(ctx, *args); });

  cmd->add_subcommand("list", "Stored credentials (never the password)")->callback([&ctx] {
    ctx.exit_code = run_list(ctx);
  });

  auto new_key_file = std::make_shared<std::string>();
  CLI::App* rotate = cmd->add_subcommand("rotate-key", "Re-encrypt every credential under a new master key");
  rotate->add_option("--new-key-file", *new_key_file, "New key file (created with mode 0600 when missing)")
      ->required();
  rotate->callback([&ctx, new_key_file] { ctx.exit_code = run_rotate(ctx, *new_key_file); });

  auto config_args = std::make_shared<TerminalConfigArgs>();
  CLI::App* config = cmd->add_subcommand(
      "terminal-config", "Write an instance's MT5 start-up config (terminal64.exe /config:FILE), mode 0600");
  config->add_option("--instance", config_args->instance, "Instance id")->required();
  config
      ->add_option("--path", config_args->path,
                   "File to write; replaced atomically, never when readable by group or others")
      ->required();
  config->callback([&ctx, config_args] { ctx.exit_code = run_terminal_config(ctx, *config_args); });
}

}  // namespace mtg
