// PrefsStore over a fake hash and a real temporary directory: the file mirror, the
// re-seed after Redis lost the hash, and nothing written on a bad change.
#include "prefs/prefs_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "prefs/prefs_file.h"
#include "prefs/prefs_watcher.h"
#include "testkit/temp_dir.h"
#include "unit/prefs/fake_prefs_hash.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testing::FakePrefsData;
using testing::FakePrefsHash;

class PrefsStoreTest : public ::testing::Test {
 protected:
  std::string file() const { return dir_.file("state/prefs.json"); }
  PrefsStore store() { return PrefsStore(std::make_unique<FakePrefsHash>(data_), file()); }
  std::map<std::string, std::string> on_disk() {
    auto f = read_prefs_file(file());
    EXPECT_TRUE(f.is_ok()) << f.status().to_string();
    return f ? *f : std::map<std::string, std::string>{};
  }

  testkit::TempDir dir_;
  FakePrefsData data_;
};

TEST_F(PrefsStoreTest, SetWritesTheHashAndMirrorsTheFileCanonically) {
  auto s = store();
  ASSERT_TRUE(s.set("signal.default_ttl_ms", " 20000 ").is_ok());
  ASSERT_TRUE(s.set("notify.webhook_urls", R"([ "http://h/1" ])").is_ok());
  EXPECT_EQ(data_.fields.at("signal.default_ttl_ms"), "20000");
  EXPECT_EQ(data_.fields.at("notify.webhook_urls"), R"(["http://h/1"])");
  EXPECT_EQ(on_disk(), data_.fields);
  struct stat st {};
  ASSERT_EQ(::stat(file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto prefs = s.load();
  ASSERT_TRUE(prefs.is_ok());
  EXPECT_EQ(prefs->default_ttl_ms, 20000);
}

TEST_F(PrefsStoreTest, BadKeyOrValueWritesNothing) {
  auto s = store();
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  EXPECT_EQ(s.set("signal.default_ttl_ms", "0").code(), Code::kInvalidArgument);
  EXPECT_EQ(s.set("nope", "1").code(), Code::kInvalidArgument);
  EXPECT_EQ(data_.fields.size(), 1u);
  EXPECT_EQ(data_.fields.at("signal.default_ttl_ms"), "20000");
  EXPECT_EQ(on_disk(), data_.fields);
}

TEST_F(PrefsStoreTest, UnsetRemovesAndMirrorsAndSaysWhenNothingWasSet) {
  auto s = store();
  ASSERT_TRUE(s.set("backup.redis.interval_s", "60").is_ok());
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  ASSERT_TRUE(s.unset("backup.redis.interval_s").is_ok());
  EXPECT_EQ(s.unset("backup.redis.interval_s").code(), Code::kNotFound);
  EXPECT_EQ(on_disk(), (std::map<std::string, std::string>{{"signal.default_ttl_ms", "20000"}}));
  data_.fields["junk"] = "1";  // hand-written junk can be removed too
  EXPECT_TRUE(s.unset("junk").is_ok());
}

TEST_F(PrefsStoreTest, MissingHashIsReseededFromTheFileAndValidEntriesOnly) {
  auto s = store();
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  ASSERT_TRUE(s.set("instance.demo-1.max_volume", "0.5").is_ok());
  const auto before = data_.fields;
  data_.fields.clear();  // Redis lost everything
  std::ofstream(file() + ".extra");  // unrelated files are ignored
  auto prefs = s.load();
  ASSERT_TRUE(prefs.is_ok()) << prefs.status().to_string();
  EXPECT_EQ(data_.fields, before);
  EXPECT_EQ(prefs->max_volume.at("demo-1"), 0.5);

  data_.fields.clear();
  ASSERT_TRUE(write_prefs_file(file(), {{"signal.default_ttl_ms", "0"}, {"backup.duckdb.interval_s", "30"}}).is_ok());
  auto fields = s.fields();
  ASSERT_TRUE(fields.is_ok());
  EXPECT_EQ(*fields, (std::map<std::string, std::string>{{"backup.duckdb.interval_s", "30"}}));
}

TEST_F(PrefsStoreTest, SetWhileTheHashIsMissingKeepsTheOtherFileEntries) {
  auto s = store();
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  data_.fields.clear();
  ASSERT_TRUE(s.set("backup.prefs.interval_s", "10").is_ok());
  EXPECT_EQ(data_.fields.size(), 2u);
  EXPECT_EQ(on_disk(), data_.fields);
}

TEST_F(PrefsStoreTest, NoHashAndNoFileIsEmptyPrefs) {
  auto prefs = store().load();
  ASSERT_TRUE(prefs.is_ok());
  EXPECT_EQ(*prefs, Prefs{});
  EXPECT_FALSE(std::filesystem::exists(file()));
}

TEST_F(PrefsStoreTest, CorruptFileIsReportedNotSeeded) {
  std::filesystem::create_directories(dir_.file("state"));
  std::ofstream(file()) << "{not json";
  auto fields = store().fields();
  EXPECT_EQ(fields.status().code(), Code::kCorruption);
  EXPECT_TRUE(data_.fields.empty());
}

TEST_F(PrefsStoreTest, RedisDownFailsTheChangeAndLeavesTheFile) {
  auto s = store();
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  data_.fail_next = 1;
  EXPECT_EQ(s.set("signal.default_ttl_ms", "30000").code(), Code::kUnavailable);
  EXPECT_EQ(on_disk().at("signal.default_ttl_ms"), "20000");
}

TEST_F(PrefsStoreTest, ReplaceSwapsEverythingOrNothing) {
  auto s = store();
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  EXPECT_EQ(s.replace({{"backup.redis.interval_s", "5"}, {"bad", "1"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(data_.fields.size(), 1u);
  ASSERT_TRUE(s.replace({{"backup.redis.interval_s", " 5"}}).is_ok());
  EXPECT_EQ(data_.fields, (std::map<std::string, std::string>{{"backup.redis.interval_s", "5"}}));
  EXPECT_EQ(on_disk(), data_.fields);
}

TEST_F(PrefsStoreTest, WatcherReportsOnlyChangesAndPollsAtMostOncePerInterval) {
  auto s = store();
  ManualClock clock;
  PrefsWatcher watcher(s, clock, 1'000);
  auto first = watcher.poll();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, Prefs{});
  ASSERT_TRUE(s.set("signal.default_ttl_ms", "20000").is_ok());
  const int reads = data_.reads;
  EXPECT_FALSE(watcher.poll().has_value());  // not due yet
  EXPECT_EQ(data_.reads, reads);
  clock.advance_ms(1'000);
  auto changed = watcher.poll();
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->default_ttl_ms, 20000);
  clock.advance_ms(1'000);
  EXPECT_FALSE(watcher.poll().has_value());  // unchanged

  data_.fail_next = 1;
  clock.advance_ms(1'000);
  EXPECT_FALSE(watcher.poll().has_value());
  EXPECT_EQ(watcher.last_status().code(), Code::kUnavailable);

  data_.fields["signal.default_ttl_ms"] = "0";  // written by hand, invalid
  clock.advance_ms(1'000);
  EXPECT_FALSE(watcher.poll().has_value());
  EXPECT_EQ(watcher.last_status().code(), Code::kInvalidArgument);
  data_.fields["signal.default_ttl_ms"] = "25000";
  clock.advance_ms(1'000);
  auto fixed = watcher.poll();
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(fixed->default_ttl_ms, 25000);
  EXPECT_TRUE(watcher.last_status().is_ok());
}

}  // namespace
}  // namespace mtg
