// Deterministic keys for crypto tests.
#pragma once

#include "crypto/master_key.h"

namespace mtg::crypto::testing {

// A key whose 32 bytes are all `fill`.
inline MasterKey key_filled_with(uint8_t fill) {
  std::array<uint8_t, kMasterKeyBytes> raw{};
  raw.fill(fill);
  return MasterKey::from_bytes(raw);
}

}  // namespace mtg::crypto::testing
