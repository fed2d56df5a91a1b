// What the link server remembers of each source address to stand a hostile network:
// failed authentications (a wrong token, a failed TLS handshake) put an address into an
// exponential back-off during which its new connections are refused, and every kind of
// refusal is logged at most once per window per address, with the count it stood for.
// Single-threaded; bounded (the least recently seen addresses are forgotten first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace mtg::link {

struct AddressLimits {
  int failures_before_backoff = 3;  // failures in a row an address may have before it waits
  int backoff_min_ms = 1'000;       // the first wait; doubles per further failure
  int backoff_max_ms = 60'000;      // ... up to this
  int log_window_ms = 60'000;       // a refusal kind is logged once per window per address
  size_t max_addresses = 4'096;     // addresses remembered at most
};

class AddressGuard {
 public:
  explicit AddressGuard(AddressLimits limits);

  // True while `address` is backing off (new connections from it are refused).
  bool backing_off(const std::string& address, int64_t now_ms) const;
  // Records a failed authentication or handshake from `address`.
  void failed(const std::string& address, int64_t now_ms);
  // A successful authentication clears the address's failures.
  void succeeded(const std::string& address);
  // Counts one event of `kind` (e.g. "authentication failed") from `address`; returns
  // how many such events the caller should report now: 0 within the window after the
  // last report (the event is counted for the next), else the events since then.
  int64_t to_report(const std::string& address, const std::string& kind, int64_t now_ms);
  // Addresses remembered.
  size_t size() const { return entries_.size(); }

 private:
  struct Reports {
    int64_t last_report_ms = 0;
    int64_t unreported = 0;
    bool reported = false;
  };
  struct Entry {
    int failures = 0;
    int64_t blocked_until_ms = 0;
    int64_t last_seen_ms = 0;
    std::map<std::string, Reports> reports;
  };
  Entry& entry(const std::string& address, int64_t now_ms);

  AddressLimits limits_;
  std::map<std::string, Entry> entries_;
};

}  // namespace mtg::link
