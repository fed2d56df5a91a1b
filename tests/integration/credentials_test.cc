// Broker credentials on the real PostgreSQL of scripts/stack: sealed round trips, tamper
// and move detection, key rotation, the `mtguard creds` commands, and a grep of the
// whole stack directory proving a password never reaches disk or logs in plain text.
// Every test works in a private database of its own (rotation re-encrypts every row,
// so it must never touch the shared one), dropped at the end.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "credentials/credential_store.h"
#include "crypto/hex.h"
#include "crypto/token.h"
#include "store/postgres/pg_client.h"
#include "testkit/stack.h"
#include "testkit/temp_dir.h"
#include "util/log.h"

namespace mtg {
namespace {

constexpr size_t kRandomSuffixBytes = 6;
// Byte of the envelope flipped by the tamper test (inside the ciphertext: the header
// is 33 bytes, the password longer than 8).
constexpr int kTamperedByteIndex = 40;

crypto::MasterKey random_key() {
  auto bytes = crypto::from_hex(crypto::random_hex(crypto::kMasterKeyBytes));
  std::array<uint8_t, crypto::kMasterKeyBytes> raw{};
  std::copy(bytes->begin(), bytes->end(), raw.begin());
  return crypto::MasterKey::from_bytes(raw);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a shell command and returns its standard output.
std::string shell_output(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

// Files under `dir` (recursively, binary files included) that contain `needle`.
std::string files_containing(const std::string& dir, const std::string& needle) {
  return shell_output("grep -rFals -- '" + needle + "' '" + dir + "' 2>/dev/null");
}

// The stack's var/ directory: $MTG_VAR, else the directory of $MTG_CONFIG.
std::string stack_var_dir() {
  if (const char* var = std::getenv("MTG_VAR"); var != nullptr && var[0] != '\0') return var;
  const char* config = std::getenv("MTG_CONFIG");
  return config == nullptr ? "" : std::filesystem::path(config).parent_path().string();
}

class Credentials : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    suffix_ = crypto::random_hex(kRandomSuffixBytes);
    database_ = "mtgcreds_" + suffix_;
    auto admin = PgClient::connect(testkit::stack_config().postgres);
    ASSERT_TRUE(admin.is_ok()) << admin.status().to_string();
    admin_ = std::move(admin).value();
    ASSERT_TRUE(admin_->exec("CREATE DATABASE " + database_).is_ok());
    pg_config_ = testkit::stack_config().postgres;
    pg_config_.database = database_;
    auto pg = PgClient::connect(pg_config_);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(pg).value();
    key_ = random_key();
    store_ = open_store({key_});
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    store_.reset();
    pg_.reset();
    if (admin_ != nullptr) {
      Status dropped = admin_->exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
      EXPECT_TRUE(dropped.is_ok()) << dropped.to_string();
    }
  }

  std::unique_ptr<CredentialStore> open_store(std::vector<crypto::MasterKey> keys) {
    auto store = CredentialStore::open(*pg_, std::move(keys));
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  std::string instance(const std::string& name) const { return "creds-" + name + "-" + suffix_; }

  Status sql(const std::string& statement, const std::vector<PgParam>& params = {}) {
    return pg_->query(statement, params).status();
  }

  std::string suffix_;
  std::string database_;
  PostgresConfig pg_config_;
  std::unique_ptr<PgClient> admin_;
  std::unique_ptr<PgClient> pg_;
  crypto::MasterKey key_;
  std::unique_ptr<CredentialStore> store_;
};

TEST_F(Credentials, SetThenGetRoundTripsAndSetAgainReplaces) {
  const std::string id = instance("rt");
  ASSERT_TRUE(store_->set(id, 5012345, "MetaQuotes-Demo", "first-Pass!").is_ok());
  auto got = store_->get(id);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(got->instance, id);
  EXPECT_EQ(got->login, 5012345);
  EXPECT_EQ(got->server, "MetaQuotes-Demo");
  EXPECT_EQ(got->password.view(), "first-Pass!");
  ASSERT_TRUE(store_->set(id, 777, "Other-Live", "second pass").is_ok());
  auto again = store_->get(id);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(again->login, 777);
  EXPECT_EQ(again->server, "Other-Live");
  EXPECT_EQ(again->password.view(), "second pass");
  EXPECT_EQ(store_->get(instance("missing")).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->set(id, 1, "srv", "bad\npassword").code(), Code::kInvalidArgument);
}

TEST_F(Credentials, ListShowsEveryRowAndNeverThePassword) {
  const std::string password = "Zq7-list-canary-" + suffix_;
  ASSERT_TRUE(store_->set(instance("b"), 2, "Srv-B", password).is_ok());
  ASSERT_TRUE(store_->set(instance("a"), 1, "Srv-A", password).is_ok());
  auto infos = store_->list();
  ASSERT_TRUE(infos.is_ok()) << infos.status().to_string();
  ASSERT_EQ(infos->size(), 2u);
  EXPECT_EQ((*infos)[0].instance, instance("a"));
  EXPECT_EQ((*infos)[1].server, "Srv-B");
  for (const CredentialInfo& info : *infos) {
    EXPECT_EQ(info.key_id, key_.key_id);
    EXPECT_EQ(info.updated_at.size(), std::string("2026-11-24T07:10:00Z").size()) << info.updated_at;
    const std::string all = info.instance + info.server + info.key_id + info.updated_at;
    EXPECT_EQ(all.find(password), std::string::npos);
  }
}

TEST_F(Credentials, TamperedCiphertextFailsAuthenticationNamingTheInstance) {
  const std::string id = instance("tamper");
  const std::string password = "Zq7-tamper-" + suffix_;
  ASSERT_TRUE(store_->set(id, 42, "Srv", password).is_ok());
  const std::string index = std::to_string(kTamperedByteIndex);
  ASSERT_TRUE(sql("UPDATE broker_credentials SET password_ciphertext = overlay(password_ciphertext "
                  "placing decode(lpad(to_hex(get_byte(password_ciphertext, " +
                      index +
                      ") # 1), 2, '0'), 'hex') "
                      "from " +
                      index + " + 1 for 1) WHERE instance = $1",
                  {id})
                  .is_ok());
  auto got = store_->get(id);
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), Code::kCorruption);
  EXPECT_NE(got.status().message().find("instance '" + id + "'"), std::string::npos)
      << got.status().message();
  EXPECT_NE(got.status().message().find("authentication failed"), std::string::npos)
      << got.status().message();
  EXPECT_EQ(got.status().message().find(password), std::string::npos);
}

TEST_F(Credentials, CiphertextCopiedToAnotherInstanceFailsAuthentication) {
  const std::string a = instance("src");
  const std::string b = instance("dst");
  ASSERT_TRUE(store_->set(a, 1, "Srv", "password-of-a").is_ok());
  ASSERT_TRUE(store_->set(b, 2, "Srv", "password-of-b").is_ok());
  ASSERT_TRUE(sql("UPDATE broker_credentials d SET password_ciphertext = s.password_ciphertext "
                  "FROM broker_credentials s WHERE s.instance = $1 AND d.instance = $2",
                  {a, b})
                  .is_ok());
  EXPECT_TRUE(store_->get(a).is_ok());
  auto moved = store_->get(b);
  ASSERT_FALSE(moved.is_ok());
  EXPECT_EQ(moved.status().code(), Code::kCorruption);
  EXPECT_NE(moved.status().message().find("instance '" + b + "'"), std::string::npos);
}

TEST_F(Credentials, RotationKeepsEveryCredentialReadableWithTheNewKeyOnly) {
  const std::vector<std::string> ids = {instance("r1"), instance("r2"), instance("r3")};
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(store_->set(ids[i], static_cast<int64_t>(i + 1), "Srv", "pw-" + std::to_string(i)).is_ok());
  }
  const crypto::MasterKey new_key = random_key();
  auto rotated = store_->rotate(new_key);
  ASSERT_TRUE(rotated.is_ok()) << rotated.status().to_string();
  EXPECT_EQ(*rotated, 3);
  EXPECT_EQ(store_->current_key_id(), new_key.key_id);
  auto infos = store_->list();
  ASSERT_TRUE(infos.is_ok());
  for (const CredentialInfo& info : *infos) EXPECT_EQ(info.key_id, new_key.key_id);
  auto new_only = open_store({new_key});
  auto old_only = open_store({key_});
  ASSERT_NE(new_only, nullptr);
  ASSERT_NE(old_only, nullptr);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto got = new_only->get(ids[i]);
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    EXPECT_EQ(got->password.view(), "pw-" + std::to_string(i));
    EXPECT_EQ(old_only->get(ids[i]).status().code(), Code::kNotFound);
  }
}

TEST_F(Credentials, RotationIsAllOrNothingWhenARowDoesNotOpen) {
  ASSERT_TRUE(store_->set(instance("ok1"), 1, "Srv", "pw-1").is_ok());
  ASSERT_TRUE(store_->set(instance("ok2"), 2, "Srv", "pw-2").is_ok());
  ASSERT_TRUE(store_->set(instance("bad"), 3, "Srv", "pw-3").is_ok());
  ASSERT_TRUE(sql("UPDATE broker_credentials SET password_ciphertext = password_ciphertext || '\\x00'::bytea "
                  "WHERE instance = $1",
                  {instance("bad")})
                  .is_ok());
  auto rotated = store_->rotate(random_key());
  ASSERT_FALSE(rotated.is_ok());
  EXPECT_NE(rotated.status().message().find(instance("bad")), std::string::npos)
      << rotated.status().message();
  EXPECT_EQ(store_->current_key_id(), key_.key_id);
  auto infos = store_->list();
  ASSERT_TRUE(infos.is_ok());
  for (const CredentialInfo& info : *infos) EXPECT_EQ(info.key_id, key_.key_id) << info.instance;
  EXPECT_TRUE(store_->get(instance("ok1")).is_ok());
}

// `mtguard creds …` on a copy of the stack's configuration pointed at the private
// database, with the stack's master key.
class CredentialsCli : public Credentials {
 protected:
  void SetUp() override {
    Credentials::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const Config& stack = testkit::stack_config();
    std::ostringstream toml;
    toml << "[postgres]\nhost = \"" << stack.postgres.host << "\"\nport = " << stack.postgres.port
         << "\nuser = \"" << stack.postgres.user << "\"\ndatabase = \"" << database_ << "\"\n"
         << "[crypto]\nkey_file = \"" << stack.key_file << "\"\n"
         << "[instances]\ndir = \"" << stack.instances_dir << "\"\n"
         << "[log]\nlevel = \"debug\"\n";
    config_path_ = dir_.write("mtguard.toml", toml.str());
    auto key = crypto::load_master_key(stack.key_file);
    ASSERT_TRUE(key.is_ok()) << key.status().to_string();
    stack_key_ = std::move(key).value();
  }

  // Runs `mtguard --config … <args>` with `stdin_text` on its standard input; its
  // stdout goes to `out_name` and stderr to `<out_name>.err` in the test directory.
  int run_cli(const std::string& args, const std::string& stdin_text, const std::string& out_name) {
    const std::string command = std::string(MTG_BINARY) + " --config " + config_path_ + " " + args + " > " +
                                dir_.file(out_name) + " 2> " + dir_.file(out_name + ".err");
    FILE* pipe = popen(command.c_str(), "w");
    if (pipe == nullptr) return -1;
    fwrite(stdin_text.data(), 1, stdin_text.size(), pipe);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  testkit::TempDir dir_;
  std::string config_path_;
  crypto::MasterKey stack_key_;
};

TEST_F(CredentialsCli, SetReadsThePasswordFromStdinAndListNeverPrintsIt) {
  const std::string id = instance("cli");
  const std::string password = "Zq7-cli-canary-" + suffix_;
  ASSERT_EQ(run_cli("creds set --instance " + id + " --login 31337 --server Cli-Srv --password-stdin",
                    password + "\n", "set.out"),
            0)
      << read_file(dir_.file("set.out.err"));
  ASSERT_EQ(run_cli("creds list", "", "list.out"), 0) << read_file(dir_.file("list.out.err"));
  ASSERT_EQ(run_cli("--json creds list", "", "list.json"), 0);
  EXPECT_NE(read_file(dir_.file("list.out")).find(id), std::string::npos);
  EXPECT_NE(read_file(dir_.file("list.json")).find("\"login\": \"31337\""), std::string::npos)
      << read_file(dir_.file("list.json"));
  EXPECT_EQ(files_containing(dir_.path(), password), "");  // no output or log holds it
  auto got = open_store({stack_key_})->get(id);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(got->password.view(), password);
  EXPECT_EQ(run_cli("creds set --instance " + id + " --login 1 --server S", "", "noflag.out"), 2);
  EXPECT_EQ(run_cli("creds set --instance " + id + " --login 1 --server S --password-stdin", "", "empty.out"),
            1);
}

TEST_F(CredentialsCli, RotateKeyCreatesTheNewKeyAndReencryptsEveryRow) {
  ASSERT_TRUE(open_store({stack_key_})->set(instance("k1"), 1, "Srv", "pw-k1").is_ok());
  ASSERT_TRUE(open_store({stack_key_})->set(instance("k2"), 2, "Srv", "pw-k2").is_ok());
  const std::string new_key_file = dir_.file("new.key");
  ASSERT_EQ(run_cli("--json creds rotate-key --new-key-file " + new_key_file, "", "rotate.json"), 0)
      << read_file(dir_.file("rotate.json.err"));
  EXPECT_NE(read_file(dir_.file("rotate.json")).find("\"rotated\": \"2\""), std::string::npos)
      << read_file(dir_.file("rotate.json"));
  const char* env_key = std::getenv(crypto::kMasterKeyEnv);
  const std::string saved_env_key = env_key == nullptr ? "" : env_key;
  unsetenv(crypto::kMasterKeyEnv);  // the new key must come from its file
  auto new_key = crypto::load_master_key(new_key_file);
  if (!saved_env_key.empty()) setenv(crypto::kMasterKeyEnv, saved_env_key.c_str(), 1);
  ASSERT_TRUE(new_key.is_ok()) << new_key.status().to_string();
  auto got = open_store({*new_key})->get(instance("k2"));
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(got->password.view(), "pw-k2");
  // Running it again before the key files are swapped is harmless.
  ASSERT_EQ(run_cli("--json creds rotate-key --new-key-file " + new_key_file, "", "again.json"), 0)
      << read_file(dir_.file("again.json.err"));
  EXPECT_NE(read_file(dir_.file("again.json")).find("\"rotated\": \"2\""), std::string::npos);
  EXPECT_TRUE(open_store({*new_key})->get(instance("k1")).is_ok());
}

// The terminal config a recovery command starts MT5 with: the login in an owner-only
// file, its password in no output of the command.
TEST_F(CredentialsCli, TerminalConfigWritesTheLoginToAnOwnerOnlyFileAndPrintsNoPassword) {
  const std::string id = instance("ini");
  const std::string password = "Zq7-ini-canary-" + suffix_;
  ASSERT_TRUE(open_store({stack_key_})->set(id, 5012345, "Ini-Srv", password).is_ok());
  const std::string ini = dir_.file("terminal.ini");
  ASSERT_EQ(run_cli("creds terminal-config --instance " + id + " --path " + ini, "", "ini.out"), 0)
      << read_file(dir_.file("ini.out.err"));
  EXPECT_EQ(read_file(ini), "[Common]\nLogin=5012345\nPassword=" + password + "\nServer=Ini-Srv\n");
  EXPECT_EQ(std::filesystem::status(ini).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_NE(read_file(dir_.file("ini.out")).find("5012345"), std::string::npos);
  EXPECT_EQ(read_file(dir_.file("ini.out")).find(password), std::string::npos);
  EXPECT_EQ(read_file(dir_.file("ini.out.err")).find(password), std::string::npos);
  EXPECT_EQ(
      run_cli("creds terminal-config --instance " + instance("none") + " --path " + dir_.file("none.ini"), "",
              "none.out"),
      1);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none.ini")));
}

// Invariant 5: the password never reaches disk or a log in plain text. PostgreSQL is
// forced to write its buffers (CHECKPOINT), then the whole stack directory and the
// test's own logs and outputs are searched for a distinctive password.
TEST_F(CredentialsCli, PlaintextPasswordAppearsNowhereUnderVarNorInLogs) {
  const std::string var_dir = stack_var_dir();
  ASSERT_TRUE(std::filesystem::is_directory(var_dir + "/postgres")) << var_dir;
  const std::string canary = "Zq7-plaintext-canary-" + suffix_;
  const std::string log_file = dir_.file("test.log");
  ASSERT_TRUE(init_logging("credentials-test", "debug", log_file).is_ok());
  const std::string lib_id = instance("grep-lib");
  const std::string cli_id = instance("grep-cli");
  ASSERT_TRUE(store_->set(lib_id, 1, "Srv", canary).is_ok());
  ASSERT_TRUE(store_->get(lib_id).is_ok());
  ASSERT_TRUE(store_->rotate(random_key()).is_ok());
  ASSERT_EQ(run_cli("creds set --instance " + cli_id + " --login 2 --server Srv --password-stdin",
                    canary + "\n", "set.out"),
            0)
      << read_file(dir_.file("set.out.err"));
  ASSERT_EQ(run_cli("creds list", "", "list.out"), 0);
  ASSERT_TRUE(admin_->exec("CHECKPOINT").is_ok());
  ASSERT_TRUE(init_logging("integration", "info", "").is_ok());  // back to stderr

  // Controls: grep finds what is there (the canary in a file; the instance id, which
  // is stored in clear, in PostgreSQL's data files), so an empty answer means absent.
  const std::string control = dir_.write("control.txt", "x" + canary + "x");
  EXPECT_NE(files_containing(dir_.path(), canary).find(control), std::string::npos);
  EXPECT_NE(files_containing(var_dir + "/postgres", cli_id), "");
  std::filesystem::remove(control);

  EXPECT_EQ(files_containing(var_dir, canary), "");
  EXPECT_EQ(files_containing(dir_.path(), canary), "");
}

}  // namespace
}  // namespace mtg
