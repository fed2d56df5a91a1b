// Structured logging (spdlog). One call at process start; afterwards use spdlog::info etc.
// Never pass a secret (token, password, key) to a log call.
#pragma once

#include <string>

#include "util/status.h"

namespace mtg {

// Sets the default logger: `process` names the lines, `level` is a spdlog level name,
// `file` empty logs to standard error. Lines look like
// "2026-11-24 07:10:00.123 engine info: message".
Status init_logging(const std::string& process, const std::string& level, const std::string& file);

}  // namespace mtg
