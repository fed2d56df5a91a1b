// Constant-time secret comparison for terminal tokens.
#pragma once

#include <string_view>

namespace mtg::link {

// True when a == b. The time taken depends on neither the contents nor where they
// differ (both sides are hashed with SHA-256, then compared with CRYPTO_memcmp).
bool tokens_equal(std::string_view a, std::string_view b);

}  // namespace mtg::link
