#include "cli/instance_table.h"

#include "engine/redis_order_store.h"
#include "util/check.h"

namespace mtg {

Result<Table> instance_table(const Config& config, RedisClient& redis) {
  RedisOrderStore store(redis, config.redis.prefix, {});
  auto states = store.load_instances();
  if (!states) return states.status();
  Table table({"instance", "enabled", "connected", "broker", "attempts", "reason"});
  for (const auto& inst : config.instances) {
    MTG_CHECK(!inst.id.empty());  // a validated configuration
    InstanceState s;
    s.id = inst.id;
    s.enabled = inst.enabled;
    for (const auto& saved : *states) {
      if (saved.id == inst.id) s = saved;
    }
    MTG_CHECK(s.id == inst.id);
    table.add({s.id, s.enabled ? "yes" : "no", s.connected ? "yes" : "no",
               s.broker_connected ? "up" : "down", std::to_string(s.attempts), s.reason});
  }
  MTG_CHECK(table.rows() == config.instances.size());
  return table;

}

}  // namespace mtg
