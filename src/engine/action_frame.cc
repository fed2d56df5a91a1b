#include "engine/action_frame.h"

#include "order/client_id.h"
#include "util/check.h"

namespace mtg {

link::OrderFrame order_frame(const Order& o, const std::string& broker_symbol) {
  const Signal& s = o.signal;
  link::OrderFrame f;
  f.client_id = client_id(s.uuid, o.leg);
  f.uuid = s.uuid;
  f.leg = o.leg;
  f.action = s.action;
  f.symbol = broker_symbol;
  f.side = s.side;
  f.order_type = s.type;
  f.volume = o.remaining_volume();
  f.price = s.price;
  f.stop_limit_price = s.stop_limit_price;
  f.sl = s.sl;
  f.tp = s.tp;
  f.expiration = s.expiration_ms;
  f.deviation = s.deviation_points;
  f.position = s.position;
  f.order = s.order;
  f.ref = s.ref;
  f.close_side = s.close_side;
  f.expected_volume = o.expected_volume;
  f.expires_at = s.expires_at_ms();
  if (s.action == Action::kOpen) MTG_CHECK(f.volume > 0);  // an open order never has its whole volume filled
  if (o.closes_everything()) MTG_CHECK(f.volume == 0);     // 0 = all of it
  auto back = parse_client_id(f.client_id);
  MTG_CHECK(back.is_ok());
  MTG_CHECK(back->first == f.uuid);  // the client id parses back to its uuid and leg
  MTG_CHECK(back->second == f.leg);
  return f;
}

bool terminal_can_carry(const Order& order, int version) {
  if (version >= 2) return true;
  return order.signal.action == Action::kOpen && order.signal.type == OrderType::kMarket;
}

}  // namespace mtg
