#include "backup/service_metrics.h"

#include <limits>

#include "util/check.h"

namespace mtg::backup {
namespace {

prometheus::MetricFamily gauge_family(const char* name, const char* help) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = prometheus::MetricType::Gauge;
  return f;
}

void add(prometheus::MetricFamily& family, BackupKind kind, double value) {
  prometheus::ClientMetric m;
  m.label.push_back({"kind", kind_name(kind)});
  m.gauge.value = value;
  family.metric.push_back(std::move(m));
}

}  // namespace

void BackupMetrics::update(BackupKind kind, const std::vector<BackupEntry>& newest_first,
                           int64_t interval_ms) {
  MTG_CHECK(interval_ms > 0);
  KindState state;
  state.interval_ms = interval_ms;
  for (const BackupEntry& e : newest_first) {
    if (!e.manifest) continue;  // unreadable: neither taken nor drilled as far as we know
    const Manifest& m = *e.manifest;
    if (state.newest_created_ms < 0) {
      state.newest_created_ms = m.created_at_ms;
      state.newest_stored_bytes = m.stored_bytes;
    }
    const bool drilled = m.verified_at_ms > 0;
    if (drilled && !state.last_verify_ok) state.last_verify_ok = m.verified;
    if (drilled && !m.verified) ++state.failed_drills;
  }
  MTG_CHECK(state.failed_drills <= static_cast<int64_t>(newest_first.size()));
  std::lock_guard lock(mu_);
  kinds_[static_cast<size_t>(kind)] = state;
}

std::vector<prometheus::MetricFamily> BackupMetrics::Collect() const {
  auto age = gauge_family("mtguard_backup_age_seconds",
                          "Seconds since the newest complete backup of the kind was taken (+Inf: none)");
  auto interval = gauge_family("mtguard_backup_interval_seconds", "The kind's backup interval in effect");
  auto verify = gauge_family("mtguard_backup_last_verify_ok",
                             "1 when the last drill of the newest drilled backup of the kind passed");
  auto failed =
      gauge_family("mtguard_backup_failed_drills", "Kept backups of the kind whose last drill failed");
  auto size = gauge_family("mtguard_backup_last_size_bytes", "Stored bytes of the newest backup of the kind");
  const int64_t now_ms = clock_.now_ms();
  std::lock_guard lock(mu_);
  for (BackupKind kind : kAllKinds) {
    const KindState& s = kinds_[static_cast<size_t>(kind)];
    if (s.interval_ms == 0) continue;  // not looked at yet
    add(age, kind,
        s.newest_created_ms < 0
            ? std::numeric_limits<double>::infinity()
            : static_cast<double>(std::max<int64_t>(0, now_ms - s.newest_created_ms)) / 1000.0);
    add(interval, kind, static_cast<double>(s.interval_ms) / 1000.0);
    if (s.last_verify_ok) add(verify, kind, *s.last_verify_ok ? 1.0 : 0.0);
    add(failed, kind, static_cast<double>(s.failed_drills));
    add(size, kind, static_cast<double>(s.newest_stored_bytes));
  }
  return {age, interval, verify, failed, size};
}

}  // namespace mtg::backup
