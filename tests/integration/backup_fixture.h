// A private world for backup integration tests on the real stack: its own Redis key
// prefix, PostgreSQL database, DuckDB file, instances, prefs file, master key and
// backup directory (never the shared var/backups), and a TOML file for the binary.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backup/backup_service.h"
#include "crypto/master_key.h"
#include "crypto/token.h"
#include "store/postgres/pg_client.h"
#include "store/redis/redis_client.h"
#include "testkit/shell.h"
#include "testkit/stack.h"
#include "testkit/temp_dir.h"
#include "util/clock.h"

namespace mtg::backup::itest {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void flip_byte(const std::string& path, size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

// Exit code and combined output of a shell command.
using Shell = testkit::ShellResult;
inline Shell shell(const std::string& command) { return testkit::run_shell(command); }

class BackupWorld {
 public:
  BackupWorld() : suffix_(crypto::random_hex(4)) {
    const Config& stack = testkit::stack_config();
    config_ = stack;
    config_.path = dir_.file("mtguard.toml");
    config_.redis.prefix = "mtgbk" + suffix_ + ":";
    config_.postgres.database = "mtgbk_" + suffix_;
    config_.duckdb.path = dir_.file("data/mtguard.duckdb");
    config_.instances_dir = dir_.file("instances");
    config_.backup.dir = dir_.file("backups");
    config_.prefs_file = dir_.file("prefs.json");
    config_.key_file = dir_.file("keys/master.key");
    std::filesystem::create_directories(config_.instances_dir);
    for (int i = 1; i <= 3; ++i) {
      const std::string id = "demo-" + std::to_string(i);
      dir_.write("instances/" + id + ".json",
                 R"({"id":")" + id + R"(","token":")" + crypto::random_hex(16) + R"(","symbols":["EURUSD"]})");
    }
    std::filesystem::create_directories(dir_.file("keys"));
    EXPECT_TRUE(crypto::create_master_key(config_.key_file).is_ok());
    auto admin = PgClient::connect(stack.postgres);
    EXPECT_TRUE(admin.is_ok()) << admin.status().to_string();
    if (admin) {
      EXPECT_TRUE((*admin)->exec("CREATE DATABASE " + config_.postgres.database).is_ok());
    }
    write_toml();
  }

  ~BackupWorld() {
    auto admin = PgClient::connect(testkit::stack_config().postgres);
    if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + config_.postgres.database + " WITH (FORCE)");
    auto redis = RedisClient::connect(config_.redis);
    if (redis) (void)(*redis)->command({"DEL", config_.redis.prefix + "prefs"});
  }

  // Rewrites the TOML file from config() (after a test changed it).
  void write_toml() {
    std::ostringstream t;
    t << "[redis]\nhost = \"" << config_.redis.host << "\"\nport = " << config_.redis.port << "\nprefix = \""
      << config_.redis.prefix << "\"\n[postgres]\nhost = \"" << config_.postgres.host
      << "\"\nport = " << config_.postgres.port << "\nuser = \"" << config_.postgres.user << "\"\ndatabase = \""
      << config_.postgres.database << "\"\n[duckdb]\npath = \"" << config_.duckdb.path << "\"\n[instances]\ndir = \""
      << config_.instances_dir << "\"\n[backup]\ndir = \"" << config_.backup.dir << "\"\nredis_start_command = \""
      << config_.backup.redis_start_command << "\"\n[prefs]\nfile = \"" << config_.prefs_file
      << "\"\n[crypto]\nkey_file = \"" << config_.key_file << "\"\n[log]\nlevel = \"warn\"\n";
    dir_.write("mtguard.toml", t.str());
  }

  BackupService service() {
    BackupEnv env;
    env.config = &config_;
    env.clock = &SystemClock::instance();
    return BackupService(env);
  }

  // `mtguard --config <ours> <args>`.
  Shell mtguard(const std::string& args) const {
    return shell(std::string(MTG_BINARY) + " --config " + config_.path + " " + args);
  }

  Config& config() { return config_; }
  testkit::TempDir& dir() { return dir_; }
  const std::string& suffix() const { return suffix_; }

 private:
  testkit::TempDir dir_;
  std::string suffix_;
  Config config_;
};

}  // namespace mtg::backup::itest
