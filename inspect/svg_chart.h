// inspect/svg_chart.h: a line chart as a standalone SVG document, for plots
// that must live outside a browser (docs/, RUN_DIR/plots/). The HTML report
// draws its own interactive charts; this is the static counterpart.
//
// Contract: every series is drawn on shared axes whose ranges cover all
// finite points (non-finite points are skipped, as are series without
// points); with `smooth_window` > 1 each series is drawn faint as measured
// and bold as a trailing moving average of that many points. Labels are
// XML-escaped. Output is deterministic (same spec, same bytes).
// Non-goals: log axes, bars, interactivity.
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

namespace rlzero::inspect {

struct ChartSeries {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;  // same length as x
};

struct ChartSpec {
  std::string title;
  std::string x_label = "step";
  std::string y_label;
  std::vector<ChartSeries> series;
  int smooth_window = 1;
  int width = 720;
  int height = 400;
};

std::string RenderSvgLineChart(const ChartSpec& spec);

// "Nice" axis ticks (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi];
// at most about `target` of them. Exposed for tests.
std::vector<double> NiceTicks(double lo, double hi, int target);

}  // namespace rlzero::inspect
