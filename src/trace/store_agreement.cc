#include "trace/store_agreement.h"

#include <cmath>

#include <fmt/format.h>

#include "order/order_state.h"
#include "order/trade_result.h"
#include "util/check.h"

namespace mtg {
namespace {

struct NamedFacts {
  const char* store;
  const ResultFacts* facts;
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

void check_presence(const std::vector<NamedFacts>& stores, std::vector<std::string>& out) {
  std::set<std::string> ids;
  for (const auto& s : stores) {
    if (*s.facts) {
      for (const auto& [id, fact] : **s.facts) ids.insert(id);
    }
  }
  for (const auto& id : ids) {
    std::vector<std::string> have, lack;
    for (const auto& s : stores) {
      if (!*s.facts) continue;
      const bool present = (*s.facts)->count(id) == 1;
      (present ? have : lack).push_back(s.store);
    }
    std::erase(lack, std::string("rtrs"));  // RTRS trims acknowledged entries
    if (!lack.empty()) out.push_back(fmt::format("result {}: missing from {} (present in {})", id, join(lack), join(have)));
  }
}

void check_fields(const std::vector<NamedFacts>& stores, std::vector<std::string>& out) {
  std::map<std::string, std::vector<std::pair<std::string, ResultFact>>> by_id;
  for (const auto& s : stores) {
    if (!*s.facts) continue;
    for (const auto& [id, fact] : **s.facts) by_id[id].emplace_back(s.store, fact);
  }
  for (const auto& [id, seen] : by_id) {
    const auto& [first_store, first] = seen.front();
    for (const auto& [store, fact] : seen) {
      if (fact.status != first.status) {
        out.push_back(fmt::format("result {}: status {} in {} but {} in {}", id, first.status, first_store,
                                  fact.status, store));
      } else if (std::fabs(fact.filled_volume - first.filled_volume) > kAgreementVolumeEpsilon) {
        out.push_back(fmt::format("result {}: filled {:g} in {} but {:g} in {}", id, first.filled_volume,
                                  first_store, fact.filled_volume, store));
      }
    }
  }
}

// The final results over every store, by id.
std::map<std::string, ResultFact> final_results(const std::vector<NamedFacts>& stores) {
  std::map<std::string, ResultFact> finals;
  for (const auto& s : stores) {
    if (!*s.facts) continue;
    for (const auto& [id, fact] : **s.facts) {
      if (is_final_status(fact.status)) finals.emplace(id, fact);
    }
  }
  return finals;
}

void check_events(const SignalFacts& f, std::vector<std::string>& out) {
  auto missing = [&](const auto& from, const char* from_name, const auto& to, const char* to_name) {
    if (!from || !to) return;
    for (const auto& id : *from) {
      if (to->count(id) == 0) out.push_back(fmt::format("trade event {}: in {} but missing from {}", id, from_name, to_name));
    }
  };
  missing(f.events_stream, "the events stream", f.events_duckdb, "duckdb");
  missing(f.events_duckdb, "duckdb", f.events_clickhouse, "clickhouse");
}

}  // namespace

bool is_final_status(const std::string& status) {
  auto parsed = parse_result_status(status);
  return parsed.is_ok() && is_final(*parsed);
}

std::vector<std::string> find_disagreements(const SignalFacts& f) {
  const std::vector<NamedFacts> stores{{"rtrs", &f.rtrs}, {"duckdb", &f.duckdb}, {"clickhouse", &f.clickhouse}};
  std::vector<std::string> out;
  check_presence(stores, out);
  check_fields(stores, out);
  const auto finals = final_results(stores);
  if (finals.size() > 1) out.push_back(fmt::format("{} final results where one is allowed", finals.size()));
  if (finals.size() == 1) {
    const ResultFact& final_result = finals.begin()->second;
    auto rts = f.rts_state ? parse_state(*f.rts_state) : Result<OrderState>(Status::not_found("no order"));
    if (rts && is_final(*rts) && *f.rts_state != final_result.status) {
      out.push_back(fmt::format("rts says {} but the final result is {}", *f.rts_state, final_result.status));
    }
    if (f.ledger_volume && std::fabs(*f.ledger_volume - final_result.filled_volume) > kAgreementVolumeEpsilon) {
      out.push_back(fmt::format("the ledgers executed {:g} lots but the final result says {:g}", *f.ledger_volume,
                                final_result.filled_volume));
    }
  }
  check_events(f, out);
  MTG_CHECK(out.size() < 1'000'000);
  return out;
}

}  // namespace mtg
