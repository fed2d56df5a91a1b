#include "config/config.h"

#include <gtest/gtest.h>

#include "testkit/temp_dir.h"

namespace mtg {
namespace {

const char* kInstance = R"({"id":"demo-1","token":"0123456789abcdef0123","symbols":["EURUSD"]})";

TEST(ConfigTest, LoadsTablesAndResolvesRelativePaths) {
  testkit::TempDir dir;
  dir.write("instances/demo-1.json", kInstance);
  const auto path = dir.write("m.toml", "[redis]\nport = 16379\n[instances]\ndir = \"instances\"\n"
                                        "[duckdb]\npath = \"data/x.duckdb\"\n");
  auto c = load_config(path);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->redis.port, 16379);
  EXPECT_EQ(c->redis.prefix, "mtg:");
  EXPECT_EQ(c->duckdb.path, dir.path() + "/data/x.duckdb");
  ASSERT_EQ(c->instances.size(), 1u);
  EXPECT_EQ(c->find_instance("demo-1")->symbols.front(), "EURUSD");
  EXPECT_EQ(c->find_instance("nope"), nullptr);
}

TEST(ConfigTest, RedisDurabilityIsEverysecUnlessSetToAlways) {
  testkit::TempDir dir;
  dir.write("instances/a.json", kInstance);
  const auto plain = dir.write("plain.toml", "[instances]\ndir = \"instances\"\n");
  const auto always = dir.write("always.toml", "[redis]\ndurability = \"always\"\n[instances]\ndir = \"instances\"\n");
  const auto bad = dir.write("bad.toml", "[redis]\ndurability = \"never\"\n[instances]\ndir = \"instances\"\n");
  auto p = load_config(plain);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->redis.durability, RedisDurability::kEverysec);
  auto a = load_config(always);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(a->redis.durability, RedisDurability::kAlways);
  auto b = load_config(bad);
  ASSERT_FALSE(b.is_ok());
  EXPECT_EQ(b.status().message(), bad + ": key redis.durability: must be \"everysec\" or \"always\"");
}

TEST(ConfigTest, TheLinkLeavesLoopbackOnlyOverTls) {
  testkit::TempDir dir;
  dir.write("instances/a.json", kInstance);
  const auto open = dir.write("open.toml", "[engine]\nlink_host = \"0.0.0.0\"\n[instances]\ndir = \"instances\"\n");
  const auto tls = dir.write("tls.toml", "[engine]\nlink_host = \"0.0.0.0\"\nlink_tls = true\nlink_cert = \"l.crt\"\n"
                                         "link_key = \"l.key\"\n[instances]\ndir = \"instances\"\n");
  const auto local = dir.write("local.toml", "[engine]\nlink_host = \"::1\"\n[instances]\ndir = \"instances\"\n");
  auto o = load_config(open);
  ASSERT_FALSE(o.is_ok());
  EXPECT_NE(o.status().message().find("key engine.link_host: 0.0.0.0 is not a loopback address: set "
                                      "engine.link_tls = true"), std::string::npos) << o.status().message();
  auto t = load_config(tls);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_TRUE(t->engine.link_tls);
  EXPECT_EQ(t->engine.link_cert, dir.path() + "/l.crt");
  EXPECT_TRUE(load_config(local).is_ok());
}

TEST(ConfigTest, WrongTypeNamesFileAndKeyOnOneLine) {
  testkit::TempDir dir;
  dir.write("instances/a.json", kInstance);
  const auto path = dir.write("m.toml", "[redis]\nport = \"six\"\n[instances]\ndir = \"instances\"\n");
  auto c = load_config(path);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().message(), path + ": key redis.port: expected an integer");
}

TEST(ConfigTest, SyntaxErrorNamesFileLineAndColumn) {
  testkit::TempDir dir;
  const auto path = dir.write("m.toml", "[redis\nport = 1\n");
  auto c = load_config(path);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(c.status().message().rfind(path + ":1:", 0), 0u) << c.status().message();
  EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
}

TEST(ConfigTest, MissingFileIsNotFound) {
  auto c = load_config("/nonexistent/mtguard.toml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), Code::kNotFound);
}

TEST(ConfigTest, OutOfRangePortIsRejected) {
  testkit::TempDir dir;
  const auto path = dir.write("m.toml", "[engine]\nlink_port = 70000\n");
  auto c = load_config(path);
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("key engine.link_port"), std::string::npos);
}

TEST(ConfigTest, AnIntegerTooWideForItsKeyIsRejectedNotTruncated) {
  testkit::TempDir dir;
  // 4294973675 = 2^32 + 6379: narrowed to 32 bits it would read as a valid port.
  auto c = load_config(dir.write("m.toml", "[redis]\nport = 4294973675\n"));
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("key redis.port"), std::string::npos) << c.status().message();
}

TEST(ConfigTest, TheSyncProbeCanBeTurnedOffButNotMadeNegative) {
  testkit::TempDir dir;
  dir.write("var/instances/a.json", kInstance);
  auto off = load_config(dir.write("off.toml", "[backend]\nauto_resume_after_ms = 0\n"));
  ASSERT_TRUE(off.is_ok()) << off.status().to_string();
  EXPECT_EQ(off->backend.auto_resume_after_ms, 0);
  EXPECT_EQ(load_config(dir.write("default.toml", ""))->backend.auto_resume_after_ms, 60'000);
  auto negative = load_config(dir.write("negative.toml", "[backend]\nauto_resume_after_ms = -1\n"));
  ASSERT_FALSE(negative.is_ok());
  EXPECT_NE(negative.status().message().find("key backend.auto_resume_after_ms"), std::string::npos);
}

TEST(ConfigTest, EachProcessServesMetricsOnItsOwnPortOfTheListenAddress) {
  testkit::TempDir dir;
  dir.write("var/instances/a.json", kInstance);
  auto defaults = load_config(dir.write("default.toml", ""));
  ASSERT_TRUE(defaults.is_ok()) << defaults.status().to_string();
  EXPECT_EQ(defaults->metrics.address(defaults->metrics.engine_port), "127.0.0.1:9460");
  EXPECT_EQ(defaults->metrics.address(defaults->metrics.backend_port), "127.0.0.1:9461");
  EXPECT_EQ(defaults->metrics.address(defaults->metrics.backupd_port), "127.0.0.1:9462");
  auto set = load_config(dir.write("set.toml", "[metrics]\nlisten = \"::1\"\nengine_port = 0\nbackend_port = 19461\n"));
  ASSERT_TRUE(set.is_ok()) << set.status().to_string();
  EXPECT_EQ(set->metrics.address(set->metrics.engine_port), "");  // 0: the engine serves none
  EXPECT_EQ(set->metrics.address(set->metrics.backend_port), "[::1]:19461");
  auto off = load_config(dir.write("off.toml", "[metrics]\nlisten = \"\"\n"));
  ASSERT_TRUE(off.is_ok()) << off.status().to_string();
  EXPECT_EQ(off->metrics.address(off->metrics.backupd_port), "");
  auto two = load_config(dir.write("two.toml", "[metrics]\nlisten = \"127.0.0.1,10.0.0.1\"\n"));
  ASSERT_FALSE(two.is_ok());
  EXPECT_NE(two.status().message().find("key metrics.listen"), std::string::npos) << two.status().message();
  auto bad = load_config(dir.write("bad.toml", "[metrics]\nbackupd_port = 65536\n"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("key metrics.backupd_port"), std::string::npos) << bad.status().message();
}

TEST(InstanceTest, RejectsBadInstanceDocuments) {
  EXPECT_FALSE(parse_instance("{", "x.json").is_ok());
  EXPECT_FALSE(parse_instance("[]", "x.json").is_ok());
  auto no_token = parse_instance(R"({"id":"a","symbols":["EURUSD"]})", "x.json");
  ASSERT_FALSE(no_token.is_ok());
  EXPECT_EQ(no_token.status().message(), "x.json: key token: is required");
  auto bad_prob = parse_instance(
      R"({"id":"a","token":"0123456789abcdef","symbols":[],"sim":{"reject_prob":2}})", "x.json");
  EXPECT_FALSE(bad_prob.is_ok());
}

TEST(InstanceTest, DuplicateInstanceIdsAreRejected) {
  testkit::TempDir dir;
  dir.write("instances/a.json", kInstance);
  dir.write("instances/b.json", kInstance);
  const auto path = dir.write("m.toml", "[instances]\ndir = \"instances\"\n");
  auto c = load_config(path);
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("duplicate instance demo-1"), std::string::npos);
}

}  // namespace
}  // namespace mtg
