#include "backup/manifest.h"

#include <gtest/gtest.h>

#include "backup/backup_repository.h"

namespace mtg::backup {
namespace {

Manifest sample() {
  Manifest m;
  m.kind = "duckdb";
  m.id = "20231114T221320000Z";
  m.created_at_ms = 1'700'000'000'000;
  m.source = {{"path", "/var/data/mtguard.duckdb"}};
  m.files = {{"duckdb.lz4", 42, std::string(64, 'a')}, {"aof/x.aof", 8, std::string(64, 'b')}};
  m.raw_bytes = 100;
  m.stored_bytes = 50;
  m.facts = {{"tables", {{"trade_history", 7}}}};
  m.verified = true;
  m.verified_at_ms = 1'700'000'001'000;
  m.drill = "3 tables match";
  return m;
}

TEST(Manifest, RoundTripsThroughJson) {
  const Manifest m = sample();
  auto parsed = parse_manifest(manifest_to_json(m), "m.json");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, m);
}

TEST(Manifest, MalformedOrInconsistentManifestsAreCorruption) {
  EXPECT_EQ(parse_manifest("{not json", "m.json").status().code(), Code::kCorruption);
  Manifest sizes = sample();
  sizes.stored_bytes = 51;
  EXPECT_EQ(parse_manifest(manifest_to_json(sizes), "m.json").status().code(), Code::kCorruption);
  Manifest escape = sample();
  escape.files[0].name = "../../etc/passwd";
  auto bad = parse_manifest(manifest_to_json(escape), "m.json");
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  EXPECT_NE(bad.status().message().find("m.json"), std::string::npos);
}

TEST(BackupId, IsUtcMillisecondsAndSortsByTime) {
  EXPECT_EQ(format_backup_id(1'700'000'000'000), "20231114T221320000Z");
  EXPECT_EQ(format_backup_id(1'700'000'000'123), "20231114T221320123Z");
  EXPECT_LT(format_backup_id(1'700'000'000'999), format_backup_id(1'700'000'001'000));
}

}  // namespace
}  // namespace mtg::backup
