#include "base/metrics.h"

#include <fmt/format.h>

namespace duban {
namespace {

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v))) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return fmt::format("{}", v);
}

}  // namespace

std::string Metrics::RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += fmt::format("{}=\"{}\"", labels[i].first, Escape(labels[i].second));
  }
  return out + "}";
}

void Metrics::Describe(const std::string& name, const std::string& type,
                       const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
}

void Metrics::Increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].series[RenderLabels(labels)] += by;
}

void Metrics::Set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].series[RenderLabels(labels)] = value;
}

void Metrics::SetCallback(const std::string& name, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].callback = std::move(fn);
}

std::string Metrics::Render() const {
  std::map<std::string, Family> copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = families_;
  }
  std::string out;
  for (auto& [name, f] : copy) {
    if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", name, f.help);
    out += fmt::format("# TYPE {} {}\n", name, f.type);
    if (f.callback) f.series[""] = f.callback();
    for (const auto& [labels, value] : f.series) {
      out += fmt::format("{}{} {}\n", name, labels, FormatValue(value));
    }
  }
  return out;
}

double Metrics::ValueForTest(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto s = it->second.series.find(RenderLabels(labels));
  return s == it->second.series.end() ? 0 : s->second;
}

}  // namespace duban
