// inspect/run_plots.cc
#include "inspect/run_plots.h"

#include <filesystem>

#include "base/file_contents.h"
#include "inspect/metrics_log.h"

namespace rlzero::inspect {
namespace fs = std::filesystem;

StatusOr<ChartSpec> MetricChart(const std::vector<std::string>& run_dirs,
                                const RunPlotOptions& options) {
  if (run_dirs.empty()) return InvalidArgument("plot: no run dir given");
  if (options.metric.empty()) return InvalidArgument("plot: no metric given");
  if (!options.labels.empty() && options.labels.size() != run_dirs.size()) {
    return InvalidArgument("plot: " + std::to_string(options.labels.size()) + " labels for " +
                           std::to_string(run_dirs.size()) + " run dirs");
  }
  ChartSpec spec;
  spec.title = options.title.empty() ? options.metric : options.title;
  spec.y_label = options.metric;
  spec.smooth_window = options.smooth_window;
  for (size_t i = 0; i < run_dirs.size(); ++i) {
    const std::string path = (fs::path(run_dirs[i]) / "metrics.jsonl").string();
    if (!fs::exists(path)) return NotFound(path + ": no metrics.jsonl (is this a run dir?)");
    RLZ_ASSIGN_OR_RETURN(std::vector<MetricsRow> rows, ReadMetricsJsonl(path));
    ChartSeries s;
    s.label =
        options.labels.empty() ? fs::path(run_dirs[i]).filename().string() : options.labels[i];
    if (s.label.empty()) s.label = run_dirs[i];
    for (const MetricsRow& row : rows) {
      auto it = row.values.find(options.metric);
      if (it == row.values.end()) continue;
      s.x.push_back(static_cast<double>(row.step));
      s.y.push_back(it->second);
    }
    if (s.x.empty()) return NotFound(path + ": no values of metric '" + options.metric + "'");
    spec.series.push_back(std::move(s));
  }
  return spec;
}

StatusOr<std::vector<std::string>> WriteRunPlots(const std::string& run_dir) {
  const fs::path dir = fs::path(run_dir) / "plots";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unavailable(dir.string() + ": cannot create: " + ec.message());
  struct Plot {
    const char* file;
    const char* metric;
    const char* title;
  };
  const Plot plots[] = {
      {"reward.svg", "reward/mean", "mean reward per step"},
      {"accuracy.svg", "accuracy", "training accuracy (sampled)"},
      {"response_length.svg", "response_length/mean", "mean response length (tokens)"}};
  std::vector<std::string> written;
  for (const Plot& p : plots) {
    RunPlotOptions o;
    o.metric = p.metric;
    o.title = p.title;
    o.smooth_window = 10;
    RLZ_ASSIGN_OR_RETURN(ChartSpec spec, MetricChart({run_dir}, o));
    const std::string path = (dir / p.file).string();
    RLZ_RETURN_IF_ERROR(WriteFileContents(path, RenderSvgLineChart(spec)));
    written.push_back(path);
  }
  return written;
}

}  // namespace rlzero::inspect
