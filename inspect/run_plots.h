// inspect/run_plots.h: static SVG plots of training metrics from run dirs:
// RUN_DIR/plots/ written at the end of `rlzero train`, and `rlzero plot`,
// which overlays several runs (e.g. seeds) on one chart.
//
// Contract: metrics come from RUN_DIR/metrics.jsonl (inspect/metrics_log.h);
// a run without the metric, or without the file, is an error naming both.
// Thread safety: pure functions apart from the files they read and write.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "inspect/svg_chart.h"

namespace rlzero::inspect {

struct RunPlotOptions {
  std::string metric;               // e.g. "accuracy", "reward/mean"
  std::vector<std::string> labels;  // one per run dir, or empty: the dirs' names
  std::string title;                // empty: the metric's name
  int smooth_window = 1;
};

StatusOr<ChartSpec> MetricChart(const std::vector<std::string>& run_dirs,
                                const RunPlotOptions& options);

// The plots `rlzero train` leaves in RUN_DIR/plots/: reward.svg
// (reward/mean), accuracy.svg (accuracy), response_length.svg
// (response_length/mean), each as measured and as a 10-step moving average.
// Returns the paths written.
StatusOr<std::vector<std::string>> WriteRunPlots(const std::string& run_dir);

}  // namespace rlzero::inspect
