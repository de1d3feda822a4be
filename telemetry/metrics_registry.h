// telemetry/metrics_registry.h: process metrics (counters, gauges,
// histograms, each with optional labels) rendered in the Prometheus text
// exposition format (version 0.0.4) for a /metrics endpoint
// (metrics_http_server.h). Torch-free and dependency-free, so every role
// (verifier and sandbox servers included) can link it.
//
// Contract:
//   - Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
//     [a-zA-Z_][a-zA-Z0-9_]*; label values are escaped (\\, \", \n) on output.
//     A name registered twice with another type or other buckets is a
//     programmer error (asserts); the same name and type returns the same family.
//   - Handles (Counter*, Gauge*, Histogram*) live as long as the registry.
//   - Render() lists families sorted by name, series sorted by labels; a
//     histogram has cumulative _bucket{le=...} lines (le="+Inf" last), _sum and
//     _count.
// Non-goals: summaries/quantiles, timestamps, exemplars, pushing.
// Thread safety: everything may be called from any thread; updates are
// atomic (a counter add is lock-free; a histogram observation takes the
// series' lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rlzero::telemetry {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Increment(double by = 1.0);  // by >= 0
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v); }
  void Add(double by);
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // ascending, without +Inf
  void Observe(double v);
  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // [bounds + 1], the last is the count
    double sum = 0;
  };
  Snapshot Take() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bucket, [bounds + 1]
  double sum_ = 0;
};

// Latency buckets in seconds, 1 ms .. 60 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  Counter* GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& upper_bounds, const Labels& labels = {});
  // The exposition text (Content-Type: text/plain; version=0.0.4).
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& GetFamily(const std::string& name, const std::string& help, Type type,
                    const std::vector<double>& bounds);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// The registry of this process: what /metrics serves.
MetricsRegistry& ProcessMetrics();

}  // namespace rlzero::telemetry
