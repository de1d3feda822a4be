// cli/plot_command.cc: `rlzero plot RUN_DIR... --metric NAME -o FILE.svg`:
// one metric of metrics.jsonl over steps, for one run or several overlaid
// (e.g. three seeds), as a standalone SVG. Prints one JSON line on stdout:
// {"plot": path, "metric": name, "runs": n, "points": n}.
#include <cstdio>

#include "base/file_contents.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "inspect/run_plots.h"

namespace rlzero::cli {

int RunPlot(int argc, char** argv) {
  CLI::App app{"plot a metric of one or more runs as an SVG line chart", "rlzero plot"};
  std::vector<std::string> run_dirs;
  std::string out_path;
  inspect::RunPlotOptions opt;
  app.add_option("run_dirs", run_dirs, "run directories (each with metrics.jsonl)")->required();
  app.add_option("--metric", opt.metric, "metric name, e.g. accuracy, reward/mean")->required();
  app.add_option("-o,--output", out_path, "SVG file to write")->required();
  app.add_option("--label", opt.labels, "legend label per run dir (repeat, in order)");
  app.add_option("--title", opt.title, "chart title (default: the metric)");
  app.add_option("--smooth", opt.smooth_window, "also draw an N-step moving average")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return RunApp(app, argc, argv, [&] {
    const char* kCmd = "rlzero plot";
    auto spec = inspect::MetricChart(run_dirs, opt);
    if (!spec.ok()) return ReportError(kCmd, spec.status());
    Status written = WriteFileContents(out_path, inspect::RenderSvgLineChart(*spec));
    if (!written.ok()) return ReportError(kCmd, written);
    size_t points = 0;
    for (const auto& s : spec->series) points += s.x.size();
    nlohmann::json line = {
        {"plot", out_path}, {"metric", opt.metric}, {"runs", run_dirs.size()}, {"points", points}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
  });
}

}  // namespace rlzero::cli
