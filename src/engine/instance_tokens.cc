#include "engine/instance_tokens.h"

#include <spdlog/spdlog.h>

#include "crypto/sha256.h"
#include "link/token_compare.h"
#include "util/check.h"

namespace mtg {

InstanceTokens::InstanceTokens(const std::vector<InstanceConfig>& instances, const Clock& clock) : clock_(clock) {
  for (const InstanceConfig& inst : instances) instances_.emplace(inst.id, inst);
  MTG_CHECK(instances_.size() == instances.size());
}

bool InstanceTokens::accepts(const std::string& instance, const std::string& token) {
  auto it = instances_.find(instance);
  if (it == instances_.end()) return false;
  if (!it->second.source_path.empty()) {
    auto fresh = load_instance(it->second.source_path);
    if (fresh && fresh->id == instance) {
      it->second = std::move(*fresh);
    } else if (!fresh) {
      spdlog::warn("engine: instance '{}': using the tokens read before: {}", instance, fresh.status().message());
    }
  }
  const InstanceConfig& inst = it->second;
  MTG_CHECK(inst.id == instance);
  if (link::tokens_equal(inst.token, token)) return true;
  if (inst.previous_token_sha256.empty() || clock_.now_ms() >= inst.previous_token_expires_ms) return false;
  return link::tokens_equal(crypto::sha256_hex(token), inst.previous_token_sha256);
}

}  // namespace mtg
