// Metrics: a small Prometheus-style registry (counters and gauges with
// labels) rendered in the text exposition format for /metrics.
//
// Thread-safe: counters are bumped from HTTP workers and the loop alike.
// Owned by app/ and handed to modules by reference; no global registry.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace duban {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Declares a metric family once with its help text; type "counter"/"gauge".
  void Describe(const std::string& name, const std::string& type,
                const std::string& help);
  void Increment(const std::string& name, const Labels& labels = {}, double by = 1);
  void Set(const std::string& name, const Labels& labels, double value);
  // A gauge computed at scrape time (e.g. outbox depth), called under no lock
  // of ours; it must be safe to call from an HTTP worker thread.
  void SetCallback(const std::string& name, std::function<double()> fn);

  // The text exposition format, families in name order.
  std::string Render() const;
  // The current value of one series, for tests; 0 when absent.
  double ValueForTest(const std::string& name, const Labels& labels = {}) const;

 private:
  struct Family {
    std::string type = "gauge";
    std::string help;
    std::map<std::string, double> series;  // rendered labels → value
    std::function<double()> callback;
  };
  static std::string RenderLabels(const Labels& labels);

  mutable std::mutex mu_;  // guards families_
  std::map<std::string, Family> families_;
};

}  // namespace duban
