// `mtguard web [--listen ADDR] [--port N] [--token-file PATH]`: the read-only status page
// (web/web_server.h). The flags override [web] listen, port and token; the token file's
// first line is the token (kept out of the process list).
#include <fstream>

#include "cli/command.h"
#include "cli/shutdown.h"
#include "util/clock.h"
#include "web/web_access.h"
#include "web/web_server.h"

namespace mtg {
namespace {

struct WebFlags {
  std::string listen;
  int port = 0;
  std::string token_file;
};

Result<std::string> read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::io("cannot read the token file " + path);
  std::string token;
  std::getline(in, token);
  if (token.empty()) return Status::invalid("the token file " + path + " has an empty first line");
  if (token.size() > web::kMaxTokenBytes) return Status::invalid("the token in " + path + " is too long");
  return token;
}

int run_web(const CliContext& ctx, const WebFlags& flags) {
  auto config = ctx.load("web");
  if (!config) return kExitFailed;
  if (!flags.listen.empty()) config->web.listen = flags.listen;
  if (flags.port != 0) config->web.port = flags.port;
  if (!flags.token_file.empty()) {
    auto token = read_token(flags.token_file);
    if (!token) return fail("web", token.status());
    config->web.token = *token;
  }
  Status s = web::serve_status_page(*config, SystemClock::instance(), shutdown_flag());
  return s.is_ok() ? kExitOk : fail("web", s);
}

}  // namespace

void add_web_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("web", "Serve the read-only status page (GET /, GET /api/status)");
  auto flags = std::make_shared<WebFlags>();
  cmd->add_option("--listen", flags->listen, "Address (default [web] listen, 127.0.0.1)");
  cmd->add_option("--port", flags->port, "Port (default [web] port)")->check(CLI::Range(1, 65535));
  cmd->add_option("--token-file", flags->token_file, "File whose first line is the token clients must present");
  cmd->callback([&ctx, flags] { ctx.exit_code = run_web(ctx, *flags); });
}

}  // namespace mtg
