// `mtguard web`: serves the status page (GET /) and its JSON (GET /api/status) of a fresh
// SystemOverview on every request, read-only, on [web] listen:port. Every other path is
// 404, every other method 405; a request without the token (web_access.h) is 401.
#pragma once

#include <atomic>
#include <string>

#include "config/config.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::web {

// Most requests served at once; more wait for a worker.
inline constexpr size_t kWorkerThreads = 4;
// Longest request line plus headers accepted.
inline constexpr size_t kMaxRequestBytes = 16 * 1024;

// Serves until `stop` is set (checked every ~100 ms). kInvalidArgument when check_listen
// refuses the address, kUnavailable when the port cannot be bound; ok after a stop.
Status serve_status_page(const Config& config, const Clock& clock, const std::atomic<bool>& stop);

}  // namespace mtg::web
