// inspect/svg_chart.cc
#include "inspect/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "inspect/report_page.h"

namespace rlzero::inspect {
namespace {

// Colour-blind-safe palette (Okabe-Ito), cycled.
const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                "#E69F00", "#56B4E9", "#000000", "#F0E442"};

// XML text: the report's escaping, minus control characters (not allowed in
// XML 1.0 text).
std::string Escape(const std::string& s) {
  std::string kept;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') kept += c;
  }
  return HtmlEscape(kept);
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string TickLabel(double v) {
  char buf[32];
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e5 || a < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

std::vector<double> MovingAverage(const std::vector<double>& y, int window) {
  std::vector<double> out;
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    sum += y[i];
    ++n;
    if (n > window) {
      sum -= y[i - window];
      --n;
    }
    out.push_back(sum / n);
  }
  return out;
}

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(std::isfinite(lo) && std::isfinite(hi)) || target < 1) return ticks;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) return {lo};
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  // The step is m/10 * mag with m in {10, 20, 25, 50, 100}. Tick k is computed
  // as an integer over a power of ten, so 3 * 0.2 prints as 0.6, not
  // 0.6000000000000001.
  double m10 = 100;
  for (double m : {10.0, 20.0, 25.0, 50.0, 100.0}) {
    m10 = m;
    if (m / 10 * mag >= raw) break;
  }
  const double step = m10 / 10 * mag;
  auto tick = [&](double k) {
    return mag < 1 ? (k * m10) / (10 * std::round(1 / mag)) : k * m10 * mag / 10;
  };
  for (double k = std::ceil(lo / step - 1e-9); tick(k) <= hi + step * 1e-9; k += 1) {
    ticks.push_back(tick(k) == 0 ? 0.0 : tick(k));  // no -0
  }
  return ticks;
}

std::string RenderSvgLineChart(const ChartSpec& spec) {
  const double W = spec.width, H = spec.height;
  const double left = 64, right = 16, top = spec.title.empty() ? 16 : 36, bottom = 48;
  // Legend below the plot when there is more than one series.
  int drawn = 0;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : spec.series) {
    bool any = false;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
      any = true;
    }
    drawn += any ? 1 : 0;
  }
  const double legend_h = drawn > 1 ? 20.0 * ((drawn + 3) / 4) : 0.0;
  const double plot_w = W - left - right, plot_h = H - top - bottom - legend_h;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(W) + "\" height=\"" +
                    Num(H) + "\" viewBox=\"0 0 " + Num(W) + " " + Num(H) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!spec.title.empty()) {
    svg += "<text x=\"" + Num(W / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
           Escape(spec.title) + "</text>\n";
  }
  if (drawn == 0) {
    svg += "<text x=\"" + Num(W / 2) + "\" y=\"" + Num(H / 2) +
           "\" text-anchor=\"middle\">no data</text>\n</svg>\n";
    return svg;
  }
  if (x_hi == x_lo) x_hi = x_lo + 1;
  if (y_hi == y_lo) {
    y_lo -= 0.5;
    y_hi += 0.5;
  }
  const std::vector<double> xt = NiceTicks(x_lo, x_hi, 8), yt = NiceTicks(y_lo, y_hi, 6);
  // Extend the y range to whole ticks so the curves do not touch the frame.
  const double y_step = yt.size() > 1 ? yt[1] - yt[0] : 0.0;
  if (y_step > 0) {
    y_lo = std::min(y_lo, std::floor(y_lo / y_step) * y_step);
    y_hi = std::max(y_hi, std::ceil(y_hi / y_step) * y_step);
  }
  auto px = [&](double x) { return left + (x - x_lo) / (x_hi - x_lo) * plot_w; };
  auto py = [&](double y) { return top + (1.0 - (y - y_lo) / (y_hi - y_lo)) * plot_h; };
  for (double t : NiceTicks(y_lo, y_hi, 6)) {
    svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(left + plot_w) + "\" y1=\"" + Num(py(t)) +
           "\" y2=\"" + Num(py(t)) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(py(t) + 4) +
           "\" text-anchor=\"end\" fill=\"#444\">" + TickLabel(t) + "</text>\n";
  }
  for (double t : xt) {
    svg += "<line x1=\"" + Num(px(t)) + "\" x2=\"" + Num(px(t)) + "\" y1=\"" + Num(top + plot_h) +
           "\" y2=\"" + Num(top + plot_h + 4) + "\" stroke=\"#444\"/>\n";
    svg += "<text x=\"" + Num(px(t)) + "\" y=\"" + Num(top + plot_h + 18) +
           "\" text-anchor=\"middle\" fill=\"#444\">" + TickLabel(t) + "</text>\n";
  }
  svg += "<rect x=\"" + Num(left) + "\" y=\"" + Num(top) + "\" width=\"" + Num(plot_w) +
         "\" height=\"" + Num(plot_h) + "\" fill=\"none\" stroke=\"#444\"/>\n";
  svg += "<text x=\"" + Num(left + plot_w / 2) + "\" y=\"" + Num(top + plot_h + 36) +
         "\" text-anchor=\"middle\">" + Escape(spec.x_label) + "</text>\n";
  svg += "<text transform=\"translate(14 " + Num(top + plot_h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + Escape(spec.y_label) + "</text>\n";
  int k = 0;
  for (const auto& s : spec.series) {
    std::vector<double> xs, ys;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        xs.push_back(s.x[i]);
        ys.push_back(s.y[i]);
      }
    }
    if (xs.empty()) continue;
    const std::string colour = kColours[k % (sizeof kColours / sizeof kColours[0])];
    auto polyline = [&](const std::vector<double>& y, const char* extra) {
      std::string pts;
      for (size_t i = 0; i < xs.size(); ++i) {
        pts += (i ? " " : "") + Num(px(xs[i])) + "," + Num(py(y[i]));
      }
      return "<polyline fill=\"none\" stroke=\"" + colour + "\" " + extra + " points=\"" + pts +
             "\"/>\n";
    };
    if (spec.smooth_window > 1) {
      svg += polyline(ys, "stroke-width=\"1\" stroke-opacity=\"0.3\"");
      svg += polyline(MovingAverage(ys, spec.smooth_window), "stroke-width=\"2\"");
    } else {
      svg += polyline(ys, "stroke-width=\"1.5\"");
    }
    if (drawn > 1) {
      const double lx = left + (k % 4) * (plot_w / 4);
      const double ly = top + plot_h + bottom + 20.0 * (k / 4) + 4;
      svg += "<line x1=\"" + Num(lx) + "\" x2=\"" + Num(lx + 18) + "\" y1=\"" + Num(ly - 4) +
             "\" y2=\"" + Num(ly - 4) + "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
      svg +=
          "<text x=\"" + Num(lx + 24) + "\" y=\"" + Num(ly) + "\">" + Escape(s.label) + "</text>\n";
    }
    ++k;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace rlzero::inspect
