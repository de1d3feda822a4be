// cli/inspect_command.cc: `rlzero inspect RUN_DIR`: query a run's rollout
// store in the terminal.
//
//   rlzero inspect RUN_DIR                      summary per step (+ metrics.jsonl)
//   rlzero inspect RUN_DIR --step N             that step's groups
//     filters: --correct true|false --min-reward X --max-reward X --grep TEXT --prompt ID
//   rlzero inspect RUN_DIR --show ID            one rollout, coloured token by token
//   rlzero inspect RUN_DIR --prompt ID --across-steps
//   --json: JSON lines on stdout (rollouts, or step summaries when no filter).
// Colour only when stdout is a tty or --color=always.
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "cli/app.h"
#include "cli/commands.h"
#include "inspect/metrics_log.h"
#include "inspect/metrics_sink.h"
#include "inspect/rollout_json.h"
#include "inspect/rollout_reader.h"
#include "inspect/rollout_writer.h"
#include "inspect/terminal_view.h"

namespace rlzero::cli {

namespace {

struct InspectFlags {
  std::string run_dir;
  std::optional<int64_t> step;
  std::string correct;  // "", "true", "false"
  std::optional<double> min_reward, max_reward;
  std::optional<std::string> grep, prompt;
  std::optional<int64_t> show;
  bool across_steps = false;
  bool json = false;
  std::string color = "auto";
  std::string color_by = "logprob";
  int64_t limit = 0;
};

int Run(const InspectFlags& f) {
  const char* kCmd = "rlzero inspect";
  using namespace rlzero::inspect;
  auto reader_or = RolloutReader::Open(RolloutStorePath(f.run_dir));
  if (!reader_or.ok()) return ReportError(kCmd, reader_or.status());
  RolloutReader& reader = **reader_or;
  bool color = f.color == "always" || (f.color == "auto" && isatty(1) && !f.json);
  ColorBy by = f.color_by == "advantage" ? ColorBy::kAdvantage : ColorBy::kLogprob;

  if (f.show) {
    auto r = reader.Get(*f.show);
    if (!r.ok()) return ReportError(kCmd, r.status());
    if (f.json)
      std::printf("%s\n", DumpJson(RolloutToJson(*r, true)).c_str());
    else
      std::fputs(FormatRolloutDetail(*r, color, by).c_str(), stdout);
    return 0;
  }

  RolloutFilter filter;
  filter.step = f.step;
  if (!f.correct.empty()) filter.correct = f.correct == "true";
  filter.min_reward = f.min_reward;
  filter.max_reward = f.max_reward;
  filter.grep = f.grep;
  filter.prompt_id = f.prompt;
  filter.with_tokens = f.json;
  if (f.limit > 0) filter.limit = f.limit;
  bool any_filter =
      f.step || !f.correct.empty() || f.min_reward || f.max_reward || f.grep || f.prompt;

  if (!any_filter) {
    auto steps = reader.Summaries();
    if (!steps.ok()) return ReportError(kCmd, steps.status());
    auto metrics = ReadMetricsJsonl(MetricsJsonlPath(f.run_dir));
    if (!metrics.ok()) return ReportError(kCmd, metrics.status());
    if (f.json) {
      std::map<int64_t, const MetricsRow*> by_step;
      for (const auto& m : *metrics) by_step[m.step] = &m;
      for (const auto& s : *steps) {
        auto j = StepSummaryToJson(s);
        auto it = by_step.find(s.step);
        if (it != by_step.end()) j["metrics"] = it->second->values;
        std::printf("%s\n", DumpJson(j).c_str());
      }
    } else {
      std::fputs(FormatSummaryTable(*steps, *metrics).c_str(), stdout);
    }
    return 0;
  }

  auto rows = reader.Query(filter);
  if (!rows.ok()) return ReportError(kCmd, rows.status());
  if (f.json) {
    for (const auto& r : *rows) std::printf("%s\n", DumpJson(RolloutToJson(r, true)).c_str());
  } else if (f.across_steps) {
    std::fputs(FormatAcrossSteps(*rows, color).c_str(), stdout);
  } else {
    std::fputs(FormatRolloutList(*rows, color).c_str(), stdout);
  }
  return 0;
}

}  // namespace

int RunInspect(int argc, char** argv) {
  CLI::App app{"query the rollouts of a run in the terminal", "rlzero inspect"};
  InspectFlags f;
  app.add_option("run_dir", f.run_dir, "run directory (holds rollouts.sqlite)")->required();
  app.add_option("--step", f.step, "list the groups of this step");
  app.add_option("--correct", f.correct,
                 "only rollouts the verifier marked correct (true) or not (false)")
      ->check(CLI::IsMember({"true", "false"}));
  app.add_option("--min-reward", f.min_reward, "only rollouts with total reward >= X");
  app.add_option("--max-reward", f.max_reward, "only rollouts with total reward <= X");
  app.add_option("--grep", f.grep,
                 "only rollouts whose completion or prompt contains TEXT (case-sensitive)");
  app.add_option("--prompt", f.prompt, "only rollouts of this prompt id");
  app.add_option("--show", f.show, "print one rollout (by id) in full, coloured token by token");
  app.add_flag("--across-steps", f.across_steps,
               "with --prompt: how the answers changed over steps");
  app.add_flag("--json", f.json, "JSON lines on stdout");
  app.add_option("--color", f.color, "ANSI colour: auto (stdout is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--color-by", f.color_by, "token colouring for --show: logprob or advantage")
      ->check(CLI::IsMember({"logprob", "advantage"}));
  app.add_option("--limit", f.limit, "at most N rollouts (0: all)")->check(CLI::NonNegativeNumber);
  return RunApp(app, argc, argv, [&] {
    if (f.across_steps && !f.prompt) {
      std::fprintf(stderr, "rlzero inspect: --across-steps needs --prompt ID\n");
      return 2;
    }
    return Run(f);
  });
}

}  // namespace rlzero::cli
