// cli/report_command.cc: `rlzero report RUN_DIR -o FILE.html`: one
// self-contained HTML page (charts, rollout browser, token heatmaps, one
// prompt across steps) from a run dir. Prints one JSON line on stdout:
// {"report": path, "bytes": n, "steps": n, "rollouts": included, "total_rollouts": n}.
#include <cstdio>

#include "base/file_contents.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "inspect/report_data.h"
#include "inspect/report_page.h"

namespace rlzero::cli {

int RunReport(int argc, char** argv) {
  CLI::App app{"write a self-contained HTML report of a run", "rlzero report"};
  std::string run_dir, out_path;
  inspect::ReportOptions opt;
  app.add_option("run_dir", run_dir, "run directory (metrics.jsonl, rollouts.sqlite)")->required();
  app.add_option("-o,--output", out_path, "HTML file to write")->required();
  app.add_option("--max-rollouts-per-step", opt.max_rollouts_per_step,
                 "at most N rollouts of each step in the page")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--max-steps", opt.max_steps_with_rollouts,
                 "rollouts from at most N steps, spread evenly (charts keep every step)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--title", opt.title, "page title");
  return RunApp(app, argc, argv, [&] {
    const char* kCmd = "rlzero report";
    auto data = inspect::BuildReportData(run_dir, opt);
    if (!data.ok()) return ReportError(kCmd, data.status());
    std::string title =
        opt.title.empty() ? "rlzero report: " + (*data)["run"].get<std::string>() : opt.title;
    std::string html = inspect::RenderReportHtml(*data, title, /*live=*/false);
    Status written = WriteFileContents(out_path, html);
    if (!written.ok()) return ReportError(kCmd, written);
    nlohmann::json line = {{"report", out_path},
                           {"bytes", html.size()},
                           {"steps", (*data)["summary"].size()},
                           {"rollouts", (*data)["limits"]["included_rollouts"]},
                           {"total_rollouts", (*data)["limits"]["total_rollouts"]}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
  });
}

}  // namespace rlzero::cli
