// Who may read the status page. On a loopback address (127.0.0.1, ::1, localhost) anyone
// on the machine may; on any other address only a client that presents the configured
// token, and the server refuses to start on such an address without one.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "util/status.h"

namespace mtg::web {

// Longest token accepted (config or request).
inline constexpr size_t kMaxTokenBytes = 256;

// ok when `web` may be served: a loopback address, or a token of at most kMaxTokenBytes.
// kInvalidArgument naming the rule otherwise.
Status check_listen(const WebConfig& web);

// Whether a request may read the page: no token configured, or `presented` equals it
// (compared in constant time). `presented` is the Bearer token of the Authorization
// header or the `token` query parameter, "" when the request has neither.
bool authorized(const WebConfig& web, std::string_view presented);

}  // namespace mtg::web
