// `mtguard backupd`, `backup run KIND | list [KIND] | verify [KIND]`, `restore KIND
// [--from ID]` (docs/requirements.md "Backups"; rules in docs/operations.md "Backups").
#include <unistd.h>

#include <iostream>
#include <optional>

#include "backup/backup_scheduler.h"
#include "backup/backup_service.h"
#include "backup/backupd_service.h"
#include "cli/command.h"
#include "cli/shutdown.h"
#include "overview/operator_tables.h"
#include "util/check.h"
#include "util/clock.h"

namespace mtg {
namespace {

using backup::BackupKind;

constexpr int64_t kProgressEveryMs = 200;

// Progress on a terminal ("\rcopy dump.rdb: 12.0 MiB / 40.0 MiB (30%, about 7 s left)"),
// nothing otherwise. A stage without a total reports the seconds it has waited.
backup::ProgressFn tty_progress() {
  if (::isatty(STDERR_FILENO) == 0) return {};
  struct Shown {
    int64_t last_ms = 0;
    std::string stage;
    int64_t stage_start_ms = 0;
  };
  auto shown = std::make_shared<Shown>();
  return [shown](std::string_view stage, int64_t done, int64_t total) {
    const int64_t now = SystemClock::instance().steady_ms();
    if (stage != shown->stage) {
      shown->stage = stage;
      shown->stage_start_ms = now;
    }
    if (now - shown->last_ms < kProgressEveryMs) return;
    shown->last_ms = now;
    std::cerr << "\r\033[K" << stage << ": ";
    if (total < 0) std::cerr << done << " s";
    else std::cerr << backup::format_progress(done, total, now - shown->stage_start_ms);
    std::cerr << std::flush;
  };
}

void end_progress() {
  if (::isatty(STDERR_FILENO) != 0) std::cerr << "\r\033[K" << std::flush;
}

backup::BackupEnv make_env(const Config& config, bool progress) {
  backup::BackupEnv env;
  env.config = &config;
  env.clock = &SystemClock::instance();
  if (progress) env.progress = tty_progress();
  return env;
}

// The kinds named by `kind` ("" = every kind), or an error.
Result<std::optional<BackupKind>> optional_kind(const std::string& kind) {
  if (kind.empty()) return std::optional<BackupKind>();
  auto parsed = backup::parse_kind(kind);
  if (!parsed) return parsed.status();
  return std::optional<BackupKind>(*parsed);
}

int run_backup(const CliContext& ctx, const std::string& kind_name) {
  auto kind = backup::parse_kind(kind_name);
  if (!kind) return fail("backup run", kind.status());
  auto config = ctx.load("backup");
  if (!config) return kExitFailed;
  backup::BackupService service(make_env(*config, true));
  auto outcome = service.run(*kind);
  end_progress();
  if (!outcome) return fail("backup run " + kind_name, outcome.status());
  MTG_CHECK(outcome->entry.manifest);  // a backup just taken has its manifest
  const backup::Manifest& m = *outcome->entry.manifest;
  std::cout << "backup " << m.kind << "/" << m.id << ": " << m.files.size() << " files, "
            << backup::format_bytes(m.stored_bytes) << " stored (" << backup::format_bytes(m.raw_bytes)
            << " raw), verified: " << m.drill << "; removed " << outcome->retention.removed_ids.size()
            << " old backups\n";
  return kExitOk;
}

int run_list(const CliContext& ctx, const std::string& kind_name) {
  auto only = optional_kind(kind_name);
  if (!only) return fail("backup list", only.status());
  auto config = ctx.load("backup");
  if (!config) return kExitFailed;
  backup::BackupService service(make_env(*config, false));
  Table table = backup_table();
  const int64_t now_ms = SystemClock::instance().now_ms();
  for (BackupKind kind : backup::kAllKinds) {
    if (*only && **only != kind) continue;
    auto entries = service.list(kind);
    if (!entries) return fail("backup list", entries.status());
    for (const backup::BackupEntry& e : *entries) add_backup_row(table, kind, e, now_ms, ctx.json);
  }
  table.print(std::cout, ctx.json);
  return kExitOk;
}

int run_verify(const CliContext& ctx, const std::string& kind_name) {
  auto only = optional_kind(kind_name);
  if (!only) return fail("backup verify", only.status());
  auto config = ctx.load("backup");
  if (!config) return kExitFailed;
  backup::BackupService service(make_env(*config, true));
  auto outcomes = service.verify(*only);
  end_progress();
  if (!outcomes) return fail("backup verify", outcomes.status());
  Table table({"kind", "id", "result", "detail"});
  int bad = 0;
  for (const backup::VerifyOutcome& o : *outcomes) {
    table.add({backup::kind_name(o.kind), o.id, o.ok ? "ok" : "CORRUPT", o.detail});
    if (!o.ok) {
      ++bad;
      std::cerr << "mtguard: corrupt backup " << backup::kind_name(o.kind) << "/" << o.id << ": " << o.detail << '\n';
    }
  }
  MTG_CHECK(table.rows() == outcomes->size());
  MTG_CHECK(static_cast<size_t>(bad) <= table.rows());

  table.print(std::cout, ctx.json);
  return bad == 0 ? kExitOk : kExitFailed;
}

int run_restore(const CliContext& ctx, const std::string& kind_name, const std::string& from) {
  auto kind = backup::parse_kind(kind_name);
  if (!kind) return fail("restore", kind.status());
  auto config = ctx.load("restore");
  if (!config) return kExitFailed;
  backup::BackupService service(make_env(*config, true));
  auto outcome = service.restore(*kind, from.empty() ? std::nullopt : std::optional<std::string>(from));
  end_progress();
  if (!outcome) return fail("restore " + kind_name, outcome.status());
  for (const std::string& skipped : outcome->skipped) std::cerr << "mtguard: skipped corrupt backup " << skipped << '\n';
  std::cout << "restored " << kind_name << "/" << outcome->id << '\n';
  return kExitOk;
}

int run_backupd(const CliContext& ctx) {
  auto config = ctx.load("backupd");
  if (!config) return kExitFailed;
  Status s = backup::run_backupd(*config, shutdown_flag());
  return s.is_ok() ? kExitOk : fail("backupd", s);
}

}  // namespace

void add_backup_commands(CLI::App& app, CliContext& ctx) {
  app.add_subcommand("backupd", "Run scheduled backups with drills and retention")->callback([&ctx] {
    ctx.exit_code = run_backupd(ctx);
  });

  CLI::App* cmd = app.add_subcommand("backup", "backup run KIND | list [KIND] | verify [KIND]");
  cmd->require_subcommand(1);
  auto kind = std::make_shared<std::string>();
  CLI::App* run = cmd->add_subcommand("run", "Take, drill and retain one backup of KIND now");
  run->add_option("kind", *kind, "redis, configs, prefs, duckdb or postgres")->required();
  run->callback([&ctx, kind] { ctx.exit_code = run_backup(ctx, *kind); });
  CLI::App* list = cmd->add_subcommand("list", "Backups: kind, id, created, size, sha256, verified, path");
  list->add_option("kind", *kind, "only this kind");
  list->callback([&ctx, kind] { ctx.exit_code = run_list(ctx, *kind); });
  CLI::App* verify = cmd->add_subcommand("verify", "Re-hash and drill every backup (exit 1 naming corrupt ones)");
  verify->add_option("kind", *kind, "only this kind");
  verify->callback([&ctx, kind] { ctx.exit_code = run_verify(ctx, *kind); });

  auto from = std::make_shared<std::string>();
  auto restore_kind = std::make_shared<std::string>();
  CLI::App* restore = app.add_subcommand("restore", "restore KIND [--from ID]: the newest valid backup, or ID");
  restore->add_option("kind", *restore_kind, "redis, configs, prefs, duckdb or postgres")->required();
  restore->add_option("--from", *from, "backup id (from `backup list`)");
  restore->callback([&ctx, restore_kind, from] { ctx.exit_code = run_restore(ctx, *restore_kind, *from); });
}

}  // namespace mtg
