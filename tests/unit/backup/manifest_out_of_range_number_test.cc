// Regression (found by backup_manifest_fuzz): a manifest number outside int64 range,
// or a float where an integer belongs, was converted with undefined behaviour
// (nlohmann get<int64_t> of 1.5e300), and file sizes summing past int64 overflowed.
#include <gtest/gtest.h>

#include <string>

#include "backup/manifest.h"

namespace mtg::backup {
namespace {

const std::string kSha(64, 'a');

// A valid manifest text with `created_at` and the given file sizes / stored_bytes.
std::string manifest_text(const std::string& created_at, const std::string& bytes_a, const std::string& bytes_b,
                          const std::string& stored) {
  return R"({"format_version":1,"kind":"duckdb","id":"20261124T103000123Z","created_at_ms":)" + created_at +
         R"(,"source":{},"files":[{"name":"a","bytes":)" + bytes_a + R"(,"sha256":")" + kSha +
         R"("},{"name":"b","bytes":)" + bytes_b + R"(,"sha256":")" + kSha + R"("}],"raw_bytes":0,"stored_bytes":)" +
         stored + R"(,"facts":{},"verified":false,"verified_at_ms":0,"drill":""})";
}

Code code_of(const std::string& text) { return parse_manifest(text, "m.json").status().code(); }

TEST(ManifestOutOfRangeNumber, ValidNumbersStillParse) {
  EXPECT_EQ(code_of(manifest_text("1", "2", "3", "5")), Code::kOk);
}

TEST(ManifestOutOfRangeNumber, FloatsAndHugeIntegersAreCorruption) {
  EXPECT_EQ(code_of(manifest_text("1.5e300", "2", "3", "5")), Code::kCorruption);
  EXPECT_EQ(code_of(manifest_text("1.0", "2", "3", "5")), Code::kCorruption);
  EXPECT_EQ(code_of(manifest_text("18446744073709551615", "2", "3", "5")), Code::kCorruption);
  EXPECT_EQ(code_of(manifest_text("1", "2", "3", "-1e300")), Code::kCorruption);
  const std::string version_huge = R"({"format_version":1e300})";
  EXPECT_EQ(code_of(version_huge), Code::kCorruption);
}

TEST(ManifestOutOfRangeNumber, FormatVersionBeyondIntIsUnsupported) {
  std::string text = manifest_text("1", "2", "3", "5");
  text.replace(text.find("\"format_version\":1"), 18, "\"format_version\":4294967297");
  auto parsed = parse_manifest(text, "m.json");
  EXPECT_EQ(parsed.status().code(), Code::kCorruption);
  EXPECT_NE(parsed.status().message().find("unsupported manifest version"), std::string::npos);
}

TEST(ManifestOutOfRangeNumber, FileSizesOverflowingInt64AreCorruption) {
  const std::string max = "9223372036854775807";
  EXPECT_EQ(code_of(manifest_text("1", max, max, "-2")), Code::kCorruption);
}

}  // namespace
}  // namespace mtg::backup
