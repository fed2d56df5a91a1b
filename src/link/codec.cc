#include "link/codec.h"

#include <cmath>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/check.h"

namespace mtg::link {
namespace {

using json = nlohmann::json;

constexpr int64_t kMaxLeg = 1000;
constexpr int64_t kMaxRetcode = 99999;
constexpr int64_t kMinHeartbeatMs = 10;
constexpr int64_t kMaxHeartbeatMs = 60'000;
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Needed by clang 14 (no aggregate deduction), used by the fuzz build.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Reads typed fields of one JSON object; the first failure is kept and later reads
// return defaults, so a decoder reads every field and checks ok() once.
class Reader {
 public:
  explicit Reader(const json& obj) : obj_(obj) {}

  std::string str(const char* key, size_t max_bytes) {
    const json* v = field(key);
    if (v == nullptr) return {};
    if (!v->is_string()) return fail(key, "expected a string"), std::string();
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > max_bytes) return fail(key, "longer than " + std::to_string(max_bytes) + " bytes"), std::string();
    return s;
  }

  int64_t integer(const char* key, int64_t min, int64_t max) {
    const json* v = field(key);
    if (v == nullptr) return 0;
    if (!v->is_number_integer()) return fail(key, "expected an integer"), 0;
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(kMaxInt64)) {
      return fail(key, "out of range"), 0;
    }
    const int64_t n = v->get<int64_t>();
    if (n < min || n > max) return fail(key, "out of range"), 0;
    return n;
  }

  double number(const char* key) {
    const json* v = field(key);
    if (v == nullptr) return 0;
    if (!v->is_number()) return fail(key, "expected a number"), 0.0;
    const double d = v->get<double>();
    if (!std::isfinite(d)) return fail(key, "not finite"), 0.0;
    return d;
  }

  bool boolean(const char* key) {
    const json* v = field(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) return fail(key, "expected a boolean"), false;
    return v->get<bool>();
  }

  std::optional<bool> optional_boolean(const char* key) {
    if (!obj_.contains(key)) return std::nullopt;
    return boolean(key);
  }

  Side side(const char* key) {
    const std::string s = str(key, 4);
    if (s == "sell") return Side::kSell;
    if (s != "buy" && ok()) fail(key, "expected \"buy\" or \"sell\"");
    return Side::kBuy;
  }

  // The array under key (nullptr after a failure); at most max_items elements.
  const json* array(const char* key, size_t max_items) {
    const json* v = field(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) return fail(key, "expected an array"), nullptr;
    if (v->size() > max_items) return fail(key, "more than " + std::to_string(max_items) + " items"), nullptr;
    return v;
  }

  void fail(const std::string& key, const std::string& what) {
    if (error_.empty()) error_ = "field \"" + key + "\": " + what;
    MTG_CHECK(!ok());  // the first failure is kept: later reads return defaults
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  const json* field(const char* key) {
    if (!ok()) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end()) return fail(key, "missing"), nullptr;
    return &*it;
  }

  const json& obj_;
  std::string error_;
};

json result_json(const ResultFrame& r) {
  return json{{"client_id", r.client_id}, {"uuid", r.uuid},
              {"leg", r.leg},             {"retcode", r.retcode},
              {"filled_volume", r.filled_volume}, {"price", r.price},
              {"ticket", r.ticket},       {"deal", r.deal},
              {"reason", r.reason}};
}

ResultFrame read_result(Reader& r) {
  ResultFrame f;
  f.client_id = r.str("client_id", kMaxClientIdChars);
  f.uuid = r.str("uuid", kMaxUuidChars);
  f.leg = static_cast<int>(r.integer("leg", 0, kMaxLeg));
  f.retcode = static_cast<int>(r.integer("retcode", 0, kMaxRetcode));
  f.filled_volume = r.number("filled_volume");
  f.price = r.number("price");
  f.ticket = r.integer("ticket", 0, kMaxInt64);
  f.deal = r.integer("deal", 0, kMaxInt64);
  f.reason = r.str("reason", kMaxResultReasonChars);
  return f;
}

json encode_json(const Frame& frame) {
  return std::visit(
      Overloaded{
          [](const Hello& f) {
            return json{{"version", f.version}, {"instance", f.instance}, {"token", f.token},
                        {"terminal", f.terminal}, {"broker_connected", f.broker_connected}};
          },
          [](const Welcome& f) { return json{{"version", f.version}, {"heartbeat_ms", f.heartbeat_ms}}; },
          [](const Heartbeat& f) {
            json j{{"ts", f.ts}};
            if (f.broker_connected) j["broker_connected"] = *f.broker_connected;
            return j;
          },
          [](const OrderFrame& f) {
            return json{{"client_id", f.client_id}, {"uuid", f.uuid}, {"leg", f.leg},
                        {"symbol", f.symbol}, {"side", side_name(f.side)},
                        {"order_type", order_type_name(f.order_type)}, {"volume", f.volume},
                        {"price", f.price.value_or(0)}, {"sl", f.sl.value_or(0)}, {"tp", f.tp.value_or(0)},
                        {"expires_at", f.expires_at}};
          },
          [](const ResultFrame& f) { return result_json(f); },
          [](const QueryFrame& f) { return json{{"client_ids", f.client_ids}}; },
          [](const KnownFrame& f) {
            json orders = json::array();
            for (const KnownOrder& o : f.orders) {
              json e = o.result ? result_json(*o.result) : json{{"client_id", o.client_id}};
              e["state"] = known_state_name(o.state());
              orders.push_back(std::move(e));
            }
            return json{{"orders", std::move(orders)}};
          },
          [](const PositionsRequest&) { return json::object(); },
          [](const Positions& f) {
            json list = json::array();
            for (const Position& p : f.positions) {
              list.push_back(json{{"ticket", p.ticket}, {"symbol", p.symbol},
                                  {"side", side_name(p.side)}, {"volume", p.volume},
                                  {"price", p.price}});
            }
            return json{{"positions", std::move(list)}, {"truncated", f.truncated}};
          },
          [](const Orders&) { return json::object(); },
          [](const EventFrame&) { return json::object(); },
          [](const EventAck&) { return json::object(); },
          [](const ErrorFrame& f) { return json{{"reason", f.reason}}; },
      },
      frame);
}

Frame read_order(Reader& r) {
  OrderFrame f;
  f.client_id = r.str("client_id", kMaxClientIdChars);
  f.uuid = r.str("uuid", kMaxUuidChars);
  f.leg = static_cast<int>(r.integer("leg", 0, kMaxLeg));
  f.symbol = r.str("symbol", kMaxSymbolChars);
  f.side = r.side("side");
  const std::string order_type = r.str("order_type", 16);
  if (r.ok() && order_type != "market") r.fail("order_type", "expected \"market\"");
  f.volume = r.number("volume");
  f.price = r.number("price");
  f.sl = r.number("sl");
  f.tp = r.number("tp");
  f.expires_at = r.integer("expires_at", 0, kMaxInt64);
  return f;
}

Frame read_query(Reader& r) {
  QueryFrame f;
  const json* ids = r.array("client_ids", kMaxQueryIds);
  if (ids == nullptr) return f;
  for (const json& id : *ids) {
    if (!id.is_string() || id.get_ref<const std::string&>().size() > kMaxClientIdChars) {
      r.fail("client_ids", "expected strings of at most 26 bytes");
      break;
    }
    f.client_ids.push_back(id.get<std::string>());
  }
  MTG_CHECK(f.client_ids.size() <= kMaxQueryIds);
  return f;
}

Frame read_known(Reader& r) {
  KnownFrame f;
  const json* orders = r.array("orders", kMaxKnownPerFrame);
  for (size_t i = 0; orders != nullptr && r.ok() && i < orders->size(); ++i) {
    const json& e = (*orders)[i];
    if (!e.is_object()) return r.fail("orders", "expected objects"), f;
    Reader er(e);
    const std::string state = er.str("state", 8);
    KnownOrder o;
    if (state == "done") {
      o.result = read_result(er);
      o.client_id = o.result->client_id;
    } else if (state == "unknown") {
      o.client_id = er.str("client_id", kMaxClientIdChars);
    } else if (er.ok()) {
      er.fail("state", "expected \"done\" or \"unknown\"");
    }
    if (!er.ok()) r.fail("orders", er.error());
    f.orders.push_back(std::move(o));
  }
  MTG_CHECK(f.orders.size() <= kMaxKnownPerFrame);
  return f;
}

Frame read_positions(Reader& r) {
  Positions f;
  const json* list = r.array("positions", kMaxPositionsPerFrame);
  for (size_t i = 0; list != nullptr && r.ok() && i < list->size(); ++i) {
    const json& e = (*list)[i];
    if (!e.is_object()) return r.fail("positions", "expected objects"), f;
    Reader pr(e);
    Position p;
    p.ticket = pr.integer("ticket", 0, kMaxInt64);
    p.symbol = pr.str("symbol", kMaxSymbolChars);
    p.side = pr.side("side");
    p.volume = pr.number("volume");
    p.price = pr.number("price");
    if (!pr.ok()) r.fail("positions", pr.error());
    f.positions.push_back(std::move(p));
  }
  MTG_CHECK(f.positions.size() <= kMaxPositionsPerFrame);
  f.truncated = r.optional_boolean("truncated").value_or(false);
  return f;
}

Frame read_frame(const std::string& type, Reader& r) {
  if (type == "hello") {
    Hello f;
    f.version = static_cast<int>(r.integer("version", 0, 1'000'000));
    f.instance = r.str("instance", kMaxInstanceChars);
    f.token = r.str("token", kMaxTokenChars);
    f.terminal = r.str("terminal", kMaxTerminalChars);
    f.broker_connected = r.boolean("broker_connected");
    return f;
  }
  if (type == "welcome") {
    Welcome f;
    f.version = static_cast<int>(r.integer("version", 0, 1'000'000));
    f.heartbeat_ms = static_cast<int>(r.integer("heartbeat_ms", kMinHeartbeatMs, kMaxHeartbeatMs));
    return f;
  }
  if (type == "heartbeat") {
    Heartbeat f;
    f.ts = r.integer("ts", 0, kMaxInt64);
    f.broker_connected = r.optional_boolean("broker_connected");
    return f;
  }
  if (type == "order") return read_order(r);
  if (type == "result") return read_result(r);
  if (type == "query") return read_query(r);
  if (type == "known") return read_known(r);
  if (type == "positions_request") return PositionsRequest{};
  if (type == "positions") return read_positions(r);
  MTG_CHECK(type == "error");
  return ErrorFrame{r.str("reason", kMaxErrorReasonChars)};
}

bool is_known_type(const std::string& type) {
  static const char* const kTypes[] = {"hello", "welcome", "heartbeat", "order", "result",
                                       "query", "known", "positions_request", "positions", "error"};
  for (const char* t : kTypes) {
    if (type == t) return true;
  }
  return false;
}

}  // namespace

const char* known_state_name(KnownState state) {
  switch (state) {
    case KnownState::kUnknown: return "unknown";
    case KnownState::kPending: return "pending";
    case KnownState::kDone: return "done";
  }
  MTG_CHECK_MSG(false, "bad KnownState");
}

const char* frame_type(const Frame& frame) {
  static const char* const kNames[] = {"hello",     "welcome", "heartbeat", "order",     "result",
                                       "query",     "known",   "positions_request", "positions",
                                       "orders",    "event",   "event_ack", "error"};
  static_assert(std::size(kNames) == std::variant_size_v<Frame>);
  MTG_CHECK(frame.index() < std::size(kNames));  // not valueless
  return kNames[frame.index()];
}

std::string encode(const Frame& frame) {
  json j = encode_json(frame);
  j["type"] = frame_type(frame);
  std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace);
  line.push_back('\n');
  MTG_CHECK(line.find('\n') == line.size() - 1);  // one frame, one line: JSON escapes newlines in strings
  return line;
}

Result<Frame> decode(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() + 1 > kMaxLineBytes) return Status::invalid("line longer than 65536 bytes");
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid("not valid JSON");
  if (!j.is_object()) return Status::invalid("not a JSON object");
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) return Status::invalid("field \"type\": missing or not a string");
  const std::string& type = type_it->get_ref<const std::string&>();
  if (!is_known_type(type)) return Status::invalid("unknown frame type \"" + type.substr(0, 32) + "\"");
  Reader r(j);
  Frame frame = read_frame(type, r);
  if (!r.ok()) return Status::invalid(type + ": " + r.error());
  MTG_CHECK(type == frame_type(frame));
  return frame;
}

}  // namespace mtg::link
