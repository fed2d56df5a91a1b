// The JSON file that mirrors the preferences hash: one object, key -> value (the
// value itself, not its text), e.g. {"signal.default_ttl_ms": 20000}. Written
// atomically (temporary file, fsync, rename, fsync of the directory), mode 0600 since
// webhook URLs may carry tokens. Never throws.
#pragma once

#include <map>
#include <string>

#include "util/status.h"

namespace mtg {

// Most bytes a preferences file may have.
inline constexpr size_t kMaxPrefsFileBytes = 1024 * 1024;

// The fields (key -> compact JSON text of the value) of the file at `path`.
// kNotFound when it does not exist; kCorruption when it is not a JSON object or is
// larger than kMaxPrefsFileBytes; kIoError when it cannot be read. Values are not
// validated here (see validate_pref).
Result<std::map<std::string, std::string>> read_prefs_file(const std::string& path);

// Replaces the file at `path` with `fields` (key -> JSON text; each must parse),
// creating its directory when missing. On failure the old file is left as it was.
Status write_prefs_file(const std::string& path, const std::map<std::string, std::string>& fields);

}  // namespace mtg
