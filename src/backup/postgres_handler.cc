#include "backup/postgres_handler.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "backup/child_process.h"
#include "backup/file_util.h"
#include "crypto/stream_cipher.h"
#include "util/check.h"

namespace mtg::backup {

namespace {

constexpr int64_t kChunkFramingBytes = 1 + 4 + 16;  // flags, length, tag

Status errno_error(const std::string& what) { return Status::io(what + ": " + std::strerror(errno)); }

}  // namespace

int64_t mtgb_plaintext_bytes(int64_t stored_bytes, uint32_t chunk_bytes) {
  const int64_t body = stored_bytes - static_cast<int64_t>(crypto::kStreamHeaderBytes);
  const int64_t full_chunk = static_cast<int64_t>(chunk_bytes) + kChunkFramingBytes;
  const int64_t full_chunks = body / full_chunk;  // the final chunk is always shorter than a full one
  return full_chunks * chunk_bytes + (body - full_chunks * full_chunk - kChunkFramingBytes);
}

std::vector<std::string> PostgresHandler::connection_args() const {
  const PostgresConfig& pg = env_.config->postgres;
  return {"-h", pg.host, "-p", std::to_string(pg.port), "-U", pg.user, "--no-password"};
}

std::vector<std::string> PostgresHandler::connection_env() const {
  return {"PGCONNECT_TIMEOUT=" + std::to_string(env_.config->postgres.connect_timeout_s)};
}

Status PostgresHandler::dump_encrypted(const std::string& out_path) {
  auto key = crypto::load_master_key(env_.config->key_file);
  if (!key) return key.status();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("pipe");
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  ChildSpec spec;
  spec.argv = {"pg_dump", "-Fc", "-d", env_.config->postgres.database};
  for (const std::string& a : connection_args()) spec.argv.push_back(a);
  spec.extra_env = connection_env();
  spec.stdout_fd = write_end.get();
  auto child = ChildProcess::spawn(spec);
  if (!child) return child.status();
  write_end.reset();  // pg_dump holds the only write end: EOF when it exits
  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out.valid()) return errno_error("create " + out_path);
  Status encrypted = crypto::encrypt_fd(*key, read_end.get(), out.get());
  read_end.reset();  // a pg_dump still writing gets EPIPE
  auto exit = (*child)->wait(env_.child_timeout_ms);
  if (!exit) return exit.status();
  if (exit->exit_code != 0) return Status::io("pg_dump exited with " + std::to_string(exit->exit_code) + ": " + exit->output);
  MTG_RETURN_IF_ERROR(encrypted);
  return FileSystem::real().sync(out.get(), out_path, SyncMode::kAll);
}

Status PostgresHandler::take(const std::string& dir, Manifest& manifest) {
  MTG_RETURN_IF_ERROR(dump_encrypted(dir + "/" + kPostgresPayload));
  MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, kPostgresPayload));
  auto key = crypto::load_master_key(env_.config->key_file);
  if (!key) return key.status();
  const PostgresConfig& pg = env_.config->postgres;
  manifest.source = {{"host", pg.host}, {"port", pg.port}, {"database", pg.database}, {"user", pg.user}};
  manifest.facts = {{"format", "pg_dump -Fc, MTGB AES-256-GCM"}, {"key_id", key->key_id}};
  manifest.raw_bytes = mtgb_plaintext_bytes(manifest.stored_bytes, crypto::kDefaultStreamChunkBytes);
  return Status::ok();
}

Result<std::string> PostgresHandler::decrypt_to_scratch(const BackupEntry& entry, const std::string& scratch) {
  auto key = crypto::load_master_key(env_.config->key_file);
  if (!key) return key.status();
  const std::string in_path = entry.path + "/" + kPostgresPayload;
  Fd in(::open(in_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return errno_error("open " + in_path);
  const std::string out_path = scratch + "/restore.dump";
  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!out.valid()) return errno_error("create " + out_path);
  Status s = crypto::decrypt_fd({*key}, in.get(), out.get());
  if (!s.is_ok()) {
    ::unlink(out_path.c_str());
    return s.with_context(in_path);
  }
  return out_path;
}

Result<std::string> PostgresHandler::drill(const BackupEntry& entry, const std::string& scratch) {
  MTG_CHECK(entry.manifest.has_value());
  auto dump = decrypt_to_scratch(entry, scratch);
  if (!dump) return dump.status();
  const std::string list_path = scratch + "/toc.txt";
  Fd list(::open(list_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!list.valid()) return errno_error("create " + list_path);
  ChildSpec spec{{"pg_restore", "--list", *dump}, {}, -1, list.get(), ""};
  auto exit = run_child_ok(spec, env_.child_timeout_ms);
  if (!exit) return Status::corruption(entry.path + ": " + exit.status().message());
  auto toc = read_small_file(list_path, 64 * 1024 * 1024);
  if (!toc) return toc.status();
  int64_t entries = 0;
  size_t pos = 0;
  while (pos < toc->size()) {
    const size_t end = toc->find('\n', pos);
    const size_t len = (end == std::string::npos ? toc->size() : end) - pos;
    if (len > 0 && (*toc)[pos] != ';') ++entries;
    pos = end == std::string::npos ? toc->size() : end + 1;
  }
  return "postgres: decrypted, pg_restore --list reads " + std::to_string(entries) + " entries";
}

Status PostgresHandler::create_database_if_missing(const std::string& scratch) {
  const std::string& database = env_.config->postgres.database;
  // psql quotes :'db' itself; a script, because -c does not interpolate variables.
  const std::string query_path = scratch + "/database_exists.sql";
  MTG_RETURN_IF_ERROR(
      replace_durably(query_path, "SELECT count(*) FROM pg_database WHERE datname = :'db';\n", 0600));
  Fd query(::open(query_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!query.valid()) return errno_error("open " + query_path);
  ChildSpec ask;
  ask.argv = {"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-v", "db=" + database, "-d", "template1"};
  for (const std::string& a : connection_args()) ask.argv.push_back(a);
  ask.extra_env = connection_env();
  ask.stdin_fd = query.get();
  auto asked = run_child_ok(ask, env_.child_timeout_ms);
  if (!asked) return asked.status();
  if (asked->output == "1\n") return Status::ok();
  if (asked->output != "0\n") return Status::io("psql counted databases named " + database + ": " + asked->output);
  ChildSpec create;
  create.argv = {"createdb", "--maintenance-db=template1"};
  for (const std::string& a : connection_args()) create.argv.push_back(a);
  create.argv.push_back(database);
  create.extra_env = connection_env();
  return run_child_ok(create, env_.child_timeout_ms).status();
}

Status PostgresHandler::restore(const BackupEntry& entry, const std::string& scratch) {
  MTG_CHECK(entry.manifest.has_value());
  MTG_RETURN_IF_ERROR(create_database_if_missing(scratch));
  auto dump = decrypt_to_scratch(entry, scratch);
  if (!dump) return dump.status();
  ChildSpec spec;
  spec.argv = {"pg_restore", "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
               "-d", env_.config->postgres.database};
  for (const std::string& a : connection_args()) spec.argv.push_back(a);
  spec.argv.push_back(*dump);
  spec.extra_env = connection_env();
  auto exit = run_child_ok(spec, env_.child_timeout_ms);
  ::unlink(dump->c_str());
  return exit.status();
}

}  // namespace mtg::backup
