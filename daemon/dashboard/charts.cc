// SVG charts. Sizes are in viewBox units; the SVG scales to its box, so
// every chart is drawn 480 units wide with 14-unit text: about 10 px on a
// 360 px phone and 17 px at the chart's widest (640 px) on a laptop.
#include <fmt/format.h>

#include <algorithm>

#include "dashboard/dashboard.h"

namespace duban::dashboard {
namespace {

constexpr int kWidth = 480;

std::string Open(int height, std::string_view title) {
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
      kWidth, height, Escape(title), Escape(title));
}

// A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `v`.
int64_t NiceMax(int64_t v) {
  if (v <= 0) return 1;
  int64_t p = 1;
  while (p * 10 < v) p *= 10;
  for (int64_t m : {1, 2, 5, 10}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

}  // namespace

std::string BarChart(std::string_view title, const std::vector<Bar>& bars,
                     std::string_view unit_text) {
  if (bars.empty()) return "<p class=\"muted\">暂无数据</p>";
  constexpr int kRow = 26, kLabel = 110, kTop = 6;
  const int height = kTop * 2 + kRow * static_cast<int>(bars.size());
  int64_t max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  const double scale = static_cast<double>(kWidth - kLabel - 70) / static_cast<double>(NiceMax(max));
  std::string out = Open(height, title);
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = kTop + kRow * static_cast<int>(i);
    const double w = std::max(1.0, scale * static_cast<double>(b.value));
    std::string label = Escape(b.label);
    if (!b.href.empty()) {
      label = fmt::format("<a href=\"{}\">{}</a>", Escape(b.href), label);
    }
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
        "<rect class=\"c-bad\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{}\">{}{}</text>",
        kLabel - 6, y + 18, label, kLabel, y + 4, w, kRow - 8, kLabel + w + 6, y + 18, b.value,
        Escape(unit_text));
  }
  out += "</svg>";
  return out;
}

std::string StackedColumns(std::string_view title, const std::vector<StackPart>& parts,
                           const std::vector<Stack>& stacks) {
  if (stacks.empty()) return "<p class=\"muted\">暂无数据</p>";
  constexpr int kHeight = 236, kTop = 40, kBottom = 34, kLeft = 36;
  const int plot = kHeight - kTop - kBottom;
  int64_t max = 0;
  for (const auto& s : stacks) {
    int64_t sum = 0;
    for (int64_t v : s.values) sum += v;
    max = std::max(max, sum);
  }
  const int64_t axis = NiceMax(max);
  const double slot = static_cast<double>(kWidth - kLeft - 8) / static_cast<double>(stacks.size());
  const double bar = std::min(40.0, slot * 0.7);
  std::string out = Open(kHeight, title);
  // Legend on top.
  double lx = kLeft;
  for (const auto& p : parts) {
    out += fmt::format("<rect class=\"c-{}\" x=\"{:.0f}\" y=\"4\" width=\"14\" height=\"14\"/>"
                       "<text x=\"{:.0f}\" y=\"17\">{}</text>",
                       Escape(p.kind), lx, lx + 16, Escape(p.name));
    lx += 18 + 14.0 * static_cast<double>(p.name.size()) / 3.0 + 14;  // CJK: 3 bytes, 14 wide
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLeft - 4, kTop + 4,
                     axis);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>", kLeft - 4,
                     kTop + plot);
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>", kLeft,
                     kTop + plot, kWidth - 8, kTop + plot);
  for (size_t i = 0; i < stacks.size(); ++i) {
    const Stack& s = stacks[i];
    const double x = kLeft + slot * static_cast<double>(i) + (slot - bar) / 2;
    double y = kTop + plot;
    int64_t sum = 0;
    for (size_t k = 0; k < s.values.size() && k < parts.size(); ++k) {
      const double h = static_cast<double>(plot) * static_cast<double>(s.values[k]) /
                       static_cast<double>(axis);
      if (s.values[k] > 0) {
        y -= h;
        out += fmt::format(
            "<rect class=\"c-{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
            "<title>{} {}: {}</title></rect>",
            Escape(parts[k].kind), x, y, bar, h, Escape(s.label), Escape(parts[k].name),
            s.values[k]);
      }
      sum += s.values[k];
    }
    // The first part's count (e.g. on time) over the total, above the column.
    const int64_t first = s.values.empty() ? 0 : s.values[0];
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}/{}</text>",
                       x + bar / 2, y - 3, first, sum);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x + bar / 2,
                       kTop + plot + 16, Escape(s.label));
  }
  out += "</svg>";
  return out;
}

std::string LineChart(const LineChartSpec& spec) {
  const size_t n = spec.values.size();
  if (n == 0) return "<p class=\"muted\">暂无数据</p>";
  // The x axis may run past the last value (to a deadline ahead).
  const size_t slots = std::max(n, spec.x_labels.size());
  constexpr int kHeight = 240, kTop = 16, kBottom = 34, kLeft = 44, kRight = 16;
  const int plot = kHeight - kTop - kBottom;
  int64_t max = spec.target;
  for (int64_t v : spec.values) max = std::max(max, v);
  const int64_t axis = NiceMax(max);
  const double dx = slots > 1
                       ? static_cast<double>(kWidth - kLeft - kRight) / static_cast<double>(slots - 1)
                       : 0.0;
  auto X = [&](size_t i) { return kLeft + dx * static_cast<double>(i); };
  auto Y = [&](int64_t v) {
    return kTop + plot - static_cast<double>(plot) * static_cast<double>(v) /
                             static_cast<double>(axis);
  };
  std::string out = Open(kHeight, spec.title);
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>", kLeft,
                     kTop + plot, kWidth - kRight, kTop + plot);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLeft - 4, kTop + 4,
                     axis);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>", kLeft - 4,
                     kTop + plot);
  if (spec.target > 0) {
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#16a34a\" "
        "stroke-dasharray=\"6 4\"/><text x=\"{}\" y=\"{:.1f}\">{}</text>",
        kLeft, Y(spec.target), kWidth - kRight, Y(spec.target), kLeft + 4, Y(spec.target) - 4,
        Escape(spec.target_label));
  }
  if (spec.deadline_index && *spec.deadline_index < slots) {
    const double x = X(*spec.deadline_index);
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#dc2626\" "
        "stroke-dasharray=\"4 3\"/><text x=\"{:.1f}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        x, kTop, x, kTop + plot, x - 4, kTop + 12, Escape(spec.deadline_label));
  }
  std::string points;
  for (size_t i = 0; i < n; ++i) {
    points += fmt::format("{:.1f},{:.1f} ", X(i), Y(spec.values[i]));
  }
  out += "<polyline fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"2.5\" points=\"" + points +
         "\"/>";
  // The last value as text, and about six x labels.
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", X(n - 1),
                     Y(spec.values[n - 1]) - 6, spec.values[n - 1]);
  const size_t step = std::max<size_t>(1, slots / 6);
  for (size_t i = 0; i < spec.x_labels.size(); i += step) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", X(i),
                       kTop + plot + 16, Escape(spec.x_labels[i]));
  }
  out += "</svg>";
  return out;
}

}  // namespace duban::dashboard
