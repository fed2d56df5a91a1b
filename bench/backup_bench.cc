// bench/backup: DuckDB snapshot time and size for 1,000,000 trade_history rows (take:
// snapshot + row counts + LZ4 frame; then the restore drill) beside `cp` + the `lz4`
// CLI on the same file, and the encrypted pg backup (pg_dump -Fc | MTGB AES-256-GCM)
// beside `pg_dump -Fc | openssl enc -aes-256-ctr -pbkdf2`, in the same run.
// Prints figures, never passes or fails on time. Needs $MTG_CONFIG (scripts/stack env).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "backup/backup_service.h"
#include "crypto/master_key.h"
#include "crypto/token.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/duckdb_migrations.h"
#include "store/postgres/pg_client.h"
#include "testkit/stack.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int64_t kDefaultRows = 1'000'000;
constexpr int64_t kPgRows = 200'000;

double seconds_since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

int fail(const std::string& what) {
  std::cerr << "bench/backup: " << what << '\n';
  return 1;
}

// Runs a shell command; returns its wall time in seconds, or -1 when it failed.
double timed_shell(const std::string& command) {
  const auto start = Steady::now();
  if (std::system(command.c_str()) != 0) return -1;
  return seconds_since(start);
}

double mib(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

Status fill_duckdb(const std::string& path, int64_t rows) {
  auto db = DuckDatabase::open(path);
  if (!db) return db.status();
  MTG_RETURN_IF_ERROR(migrate_duckdb(**db));
  return (*db)->exec(
      "INSERT INTO trade_history(result_id, uuid, instance, symbol, side, status, volume, filled_volume, avg_price, "
      "reason, ticket, retcode, ts, recorded_at) SELECT 'r' || range, 'u' || range, 'demo-' || (range % 3), 'EURUSD', 'buy', "
      "'filled', 0.1, 0.1, 1.1 + (range % 1000) / 10000.0, '', range, 10009, 1763900000000 + range, "
      "1763900000000 + range FROM range(" + std::to_string(rows) + ")");
}

int bench_duckdb(backup::BackupService& service, const Config& config, const testkit::TempDir& dir, int64_t rows) {
  if (Status s = fill_duckdb(config.duckdb.path, rows); !s.is_ok()) return fail(s.to_string());
  const auto db_bytes = static_cast<int64_t>(fs::file_size(config.duckdb.path));
  const auto start = Steady::now();
  auto outcome = service.run(backup::BackupKind::kDuckdb);
  const double ours_s = seconds_since(start);
  if (!outcome) return fail(outcome.status().to_string());
  const backup::Manifest& m = *outcome->entry.manifest;
  const auto drill_start = Steady::now();  // the drill alone: verify re-hashes and drills the one backup
  auto verified = service.verify(backup::BackupKind::kDuckdb);
  const double drill_s = seconds_since(drill_start);
  if (!verified || verified->size() != 1) return fail("verify of the duckdb backup failed");
  const double pause_s = m.facts.value("snapshot_ms", int64_t{-1}) / 1000.0;
  const double cp_s = timed_shell("cp '" + config.duckdb.path + "' '" + dir.file("copy.duckdb") + "'");
  const double lz4_s = timed_shell("lz4 -q -1 '" + dir.file("copy.duckdb") + "' '" + dir.file("copy.lz4") + "'");
  const auto lz4_bytes = static_cast<int64_t>(fs::file_size(dir.file("copy.lz4")));
  std::printf("duckdb (%lld trade_history rows, live file %.1f MiB)\n", static_cast<long long>(rows), mib(db_bytes));
  std::printf("  mtguard backup run duckdb: %.2f s (snapshot + counts + LZ4 frame + drill), snapshot %.1f MiB -> %.1f MiB stored\n",
              ours_s, mib(m.raw_bytes), mib(m.stored_bytes));
  std::printf("  of which the drill (backup verify duckdb: hash + decompress + open + counts): %.2f s; without it: %.2f s\n",
              drill_s, ours_s - drill_s);
  std::printf("  write pause (the file held for CHECKPOINT + copy; direct here, no backend): %.3f s\n", pause_s);
  std::printf("  cp + lz4 -1 of the live file: %.2f s + %.2f s = %.2f s, %.1f MiB (unsafe while writing: torn copies)\n",
              cp_s, lz4_s, cp_s + lz4_s, mib(lz4_bytes));
  std::printf("  backup without its drill / (cp + lz4): %.2f\n", (ours_s - drill_s) / (cp_s + lz4_s));
  return 0;
}

int bench_postgres(backup::BackupService& service, const Config& config, const testkit::TempDir& dir) {
  auto pg = PgClient::connect(config.postgres);
  if (!pg) return fail(pg.status().to_string());
  Status s = (*pg)->exec("CREATE TABLE credentials (id BIGINT PRIMARY KEY, instance TEXT, sealed TEXT); "
                         "INSERT INTO credentials SELECT g, 'demo-' || g, md5(g::text) || md5((g*7)::text) "
                         "FROM generate_series(1, " + std::to_string(kPgRows) + ") g");
  if (!s.is_ok()) return fail(s.to_string());
  const auto start = Steady::now();
  auto outcome = service.run(backup::BackupKind::kPostgres);
  const double ours_s = seconds_since(start);
  if (!outcome) return fail(outcome.status().to_string());
  const PostgresConfig& p = config.postgres;
  const std::string dump = "pg_dump -Fc -h " + p.host + " -p " + std::to_string(p.port) + " -U " + p.user + " -d " +
                           p.database;
  const double plain_s = timed_shell(dump + " | openssl enc -aes-256-ctr -pbkdf2 -pass pass:" +
                                     crypto::random_hex(16) + " > '" + dir.file("pg.enc") + "'");
  const double bare_s = timed_shell(dump + " > '" + dir.file("pg.dump") + "'");
  std::printf("postgres (%lld rows)\n", static_cast<long long>(kPgRows));
  std::printf("  mtguard backup run postgres: %.2f s (pg_dump -Fc | AES-256-GCM MTGB + drill: decrypt + pg_restore --list), %.1f MiB\n",
              ours_s, mib(outcome->entry.manifest->stored_bytes));
  std::printf("  pg_dump -Fc | openssl enc -aes-256-ctr -pbkdf2: %.2f s, %.1f MiB; bare pg_dump -Fc: %.2f s\n", plain_s,
              mib(static_cast<int64_t>(fs::file_size(dir.file("pg.enc")))), bare_s);
  return 0;
}

int run(int argc, char** argv) {
  if (!testkit::stack_available()) return fail("no stack: run scripts/stack up; eval \"$(scripts/stack env)\"");
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : kDefaultRows;
  testkit::TempDir dir;
  Config config = testkit::stack_config();
  config.redis.prefix = "mtgbench" + crypto::random_hex(4) + ":";  // no backend heartbeat: direct snapshot
  config.duckdb.path = dir.file("bench.duckdb");
  config.backup.dir = dir.file("backups");
  config.key_file = dir.file("master.key");
  config.postgres.database = "mtgbench_" + crypto::random_hex(4);
  if (Status s = crypto::create_master_key(config.key_file); !s.is_ok()) return fail(s.to_string());
  auto admin = PgClient::connect(testkit::stack_config().postgres);
  if (!admin || !(*admin)->exec("CREATE DATABASE " + config.postgres.database).is_ok()) return fail("create database");
  backup::BackupEnv env;
  env.config = &config;
  env.clock = &SystemClock::instance();
  backup::BackupService service(env);
  int rc = bench_duckdb(service, config, dir, rows);
  if (rc == 0) rc = bench_postgres(service, config, dir);
  (void)(*admin)->exec("DROP DATABASE IF EXISTS " + config.postgres.database + " WITH (FORCE)");
  return rc;
}

}  // namespace
}  // namespace mtg

int main(int argc, char** argv) { return mtg::run(argc, argv); }
