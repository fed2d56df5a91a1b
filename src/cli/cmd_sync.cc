// `mtguard sync status|resume`: the ClickHouse sync. The backend owns DuckDB (one
// process per file), so these talk to it through Redis (backend_channel/).
#include <chrono>
#include <iostream>
#include <thread>

#include "backend_channel/backend_channel.h"
#include "cli/command.h"
#include "keys/redis_keys.h"
#include "overview/operator_tables.h"
#include "store/redis/redis_client.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr int kResumeWaitMs = 10'000;
constexpr int kPollMs = 100;

int run_status(const CliContext& ctx) {
  auto config = ctx.load("sync");
  if (!config) return kExitFailed;
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("sync status", redis.status());
  auto s = read_sync_status(**redis, config->redis.prefix);
  if (!s) return fail("sync status", s.status());
  Table table = sync_table(*s);
  table.print(std::cout, ctx.json);
  return kExitOk;
}

// Queues "resume" for the backend and waits until a fresh status shows it active.
int run_resume(const CliContext& ctx) {
  auto config = ctx.load("sync");
  if (!config) return kExitFailed;
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("sync resume", redis.status());
  const int64_t asked_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  BackendChannel backend(**redis, config->redis.prefix);
  auto running = backend.backend_running();
  if (running && !*running) running = Status::unavailable("no backend runs: start `mtguard backend` (or wait until it has started)");
  if (!running) return fail("sync resume", running.status());
  const Status pushed = backend.send(BackendVerb::kResume);
  if (!pushed.is_ok()) return fail("sync resume", pushed);
  for (int waited_ms = 0; waited_ms < kResumeWaitMs; waited_ms += kPollMs) {
    // Wait only while there is a backend to answer.
    if (auto alive = backend.backend_running(); alive && !*alive) {
      return fail("sync resume", Status::unavailable("the backend stopped before it confirmed"));
    }
    auto s = read_sync_status(**redis, config->redis.prefix);
    if (s && s->ts_ms > asked_at && !s->suspended) {
      std::cout << "sync: active (" << s->lag_rows << " rows waiting)\n";
      return kExitOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  return fail("sync resume", Status::timeout("the backend did not confirm within 10 s (is it running?)"));
}

}  // namespace

void add_sync_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("sync", "sync status|resume: the ClickHouse sync");
  cmd->require_subcommand(1);
  cmd->add_subcommand("status", "Lag, suspension, last error")->callback([&ctx] { ctx.exit_code = run_status(ctx); });
  cmd->add_subcommand("resume", "Resume a suspended sync")->callback([&ctx] { ctx.exit_code = run_resume(ctx); });
}

}  // namespace mtg
