// The EA's decoding of a line (mql5/Include/MtGuard/Frames.mqh) as the engine's Frame,
// so that tests and the differential fuzz target compare the two decoders value by
// value. Include after ea_shim/ea_core.h; like it, per translation unit.
#pragma once

#include <string>

#include "ea_shim/ea_core.h"
#include "link/codec.h"
#include "link/frame.h"
#include "util/status.h"

namespace {

MqlArray<uchar> bytes_of(const std::string& line) {
  MqlArray<uchar> bytes;
  bytes.items.assign(line.begin(), line.end());
  return bytes;
}

// The EA's decoding of `line`, as the engine's Frame; an error when it refuses.
mtg::Result<mtg::link::Frame> ea_decode(const std::string& line) {
  MqlArray<uchar> bytes = bytes_of(line);
  InboundFrame in;
  string error;
  if (!DecodeFrame(bytes, 0, ArraySize(bytes), in, error)) return mtg::Status::invalid(error);
  switch (in.type) {
    case MTG_FRAME_WELCOME: return mtg::link::Frame{mtg::link::Welcome{in.version, in.heartbeat_ms}};
    case MTG_FRAME_HEARTBEAT: {
      mtg::link::Heartbeat h{in.ts};
      if (in.has_broker_connected) h.broker_connected = in.broker_connected;
      return mtg::link::Frame{h};
    }
    case MTG_FRAME_QUERY: return mtg::link::Frame{mtg::link::QueryFrame{in.ids.items}};
    case MTG_FRAME_POSITIONS_REQUEST: return mtg::link::Frame{mtg::link::PositionsRequest{}};
    case MTG_FRAME_EVENT_ACK: return mtg::link::Frame{mtg::link::EventAck{in.ids.items}};
    case MTG_FRAME_ERROR: return mtg::link::Frame{mtg::link::ErrorFrame{in.reason}};
    default: break;
  }
  MTG_CHECK(in.type == MTG_FRAME_ORDER);
  const OrderMsg& o = in.order;
  mtg::link::OrderFrame f;
  f.client_id = o.client_id;
  f.uuid = o.uuid;
  f.leg = o.leg;
  f.symbol = o.symbol;
  f.side = static_cast<mtg::Side>(o.side);
  f.order_type = static_cast<mtg::OrderType>(o.order_type);
  f.volume = o.volume;
  if (o.has_price) f.price = o.price;
  if (o.has_sl) f.sl = o.sl;
  if (o.has_tp) f.tp = o.tp;
  f.expires_at = o.expires_at;
  f.action = static_cast<mtg::Action>(o.action);
  if (o.has_stop_limit_price) f.stop_limit_price = o.stop_limit_price;
  if (o.has_expiration) f.expiration = o.expiration;
  f.deviation = o.deviation;
  f.position = o.position;
  f.order = o.order;
  f.ref = o.ref;
  f.close_side = static_cast<mtg::CloseSide>(o.close_side);
  f.expected_volume = o.expected_volume;
  return mtg::link::Frame{f};
}

// How the engine's decoder and the EA's agree on one line.
struct Agreement {
  bool both_accepted = false;
  std::string problem;  // "" when they agree
};

// They agree when both refuse the line, or both decode it to the same frame, or the
// engine decodes a frame only a terminal sends, which the EA refuses by design.
Agreement compare_decoders(const std::string& line) {
  const auto engine = mtg::link::decode(line);
  const auto ea = ea_decode(line);
  Agreement a;
  a.both_accepted = engine.is_ok() && ea.is_ok();
  if (a.both_accepted && !(*engine == *ea)) {
    a.problem = "both decode it, to different frames";
  } else if (engine.is_ok() && !ea.is_ok() && ea.status().message().find("unexpected frame type") == std::string::npos) {
    a.problem = "the EA refuses a frame the engine decodes: " + ea.status().message();
  } else if (!engine.is_ok() && ea.is_ok()) {
    a.problem = "the EA decodes a line the engine refuses: " + engine.status().message();
  }
  return a;
}

}  // namespace
