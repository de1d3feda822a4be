// cli/data_command.cc: `rlzero data <source> ...`: training / eval task JSONL
// on stdout.
//
//   rlzero data countdown --n N --seed S [--min-numbers 3] [--max-numbers 4]
//                         [--max-target 100] [--template NAME|TEXT]
//   rlzero data gsm8k|math500|humaneval|mbpp --input FILE [--split S]
//                         [--template NAME|TEXT]
//
// Records and fields: data/countdown.h and data/converters.h. Errors (a bad
// input line names the file and line) go to stderr with exit 1; bad flags
// exit 2. A one-line summary ("rlzero data gsm8k: 1319 records") goes to
// stderr.
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "data/converters.h"
#include "data/countdown.h"
#include "data/countdown_trace.h"
#include "data/jsonl.h"

namespace rlzero::cli {
namespace {

void Write(const Json& rec) {
  std::string line = data::ToJsonLine(rec);
  std::fwrite(line.data(), 1, line.size(), stdout);
}

int DataHelp(FILE* out) {
  std::fputs(
      "usage: rlzero data <source> [flags]   (rlzero data <source> --help)\n\n"
      "  countdown  generate Countdown tasks (--n N --seed S)\n"
      "  countdown-tiny  the tiny recipe's 4-number +- tasks, with --sft search traces\n",
      out);
  for (const auto& name : data::ConverterNames())
    std::fprintf(out, "  %-10s convert the published %s JSONL (--input FILE)\n", name.c_str(),
                 name.c_str());
  return out == stdout ? 0 : 2;
}

int RunCountdown(int argc, char** argv) {
  CLI::App app{"generate seeded Countdown tasks as JSONL", "rlzero data countdown"};
  data::CountdownConfig c;
  std::string tmpl = "countdown";
  app.add_option("--n", c.n, "number of tasks")->required();
  app.add_option("--seed", c.seed, "random seed")->required();
  app.add_option("--min-numbers", c.min_numbers, "fewest numbers per task (default 3)");
  app.add_option("--max-numbers", c.max_numbers, "most numbers per task (default 4)");
  app.add_option("--min-value", c.min_value, "smallest number (default 1)");
  app.add_option("--max-value", c.max_value, "largest number (default 99)");
  app.add_option("--min-target", c.min_target, "smallest target (default 1)");
  app.add_option("--max-target", c.max_target, "largest target (default 100)");
  app.add_option("--template", tmpl,
                 "prompt template: a built-in name or text (default countdown)");
  return RunApp(app, argc, argv, [&]() -> int {
    auto tasks = data::GenerateCountdown(c);
    if (!tasks.ok()) return ReportError("rlzero data countdown", tasks.status());
    for (size_t i = 0; i < tasks.value().size(); ++i) {
      auto rec = data::CountdownRecord(tasks.value()[i], i, c.seed, tmpl);
      if (!rec.ok()) return ReportError("rlzero data countdown", rec.status());
      Write(rec.value());
    }
    std::fflush(stdout);
    std::fprintf(stderr, "rlzero data countdown: %zu records\n", tasks.value().size());
    return 0;
  });
}

// The embedded default recipe's curriculum (data/countdown_trace.h).
int RunCountdownTiny(int argc, char** argv) {
  CLI::App app{"tiny +- Countdown tasks (and SFT search traces) as JSONL",
               "rlzero data countdown-tiny"};
  int64_t n = 0;
  uint64_t seed = 0;
  bool sft = false;
  data::TinyCountdownOptions o;
  app.add_option("--n", n, "number of records")->required();
  app.add_option("--seed", seed, "random seed")->required();
  app.add_flag("--sft", sft, "add a search-trace `response` (the SFT data of the tiny base)");
  std::string exclude;
  app.add_option("--count", o.count, "numbers per problem (2-6)")->capture_default_str();
  app.add_option(
      "--exclude", exclude,
      "task JSONL whose problems (numbers and target) are never drawn: the held-out set");
  app.add_option("--max-number", o.max_number, "largest number")->capture_default_str();
  app.add_option("--give-up-first", o.give_up_first,
                 "probability an SFT trace answers after its first failed attempt")
      ->capture_default_str();
  app.add_option("--give-up-later", o.give_up_later,
                 "probability an SFT trace answers after each later failed attempt")
      ->capture_default_str();
  return RunApp(app, argc, argv, [&]() -> int {
    auto is_prob = [](double p) { return p >= 0.0 && p <= 1.0; };
    if (n < 0 || o.max_number < o.min_number || o.min_number < 1 || o.count < 2 || o.count > 6 ||
        !is_prob(o.give_up_first) || !is_prob(o.give_up_later))
      return ReportError("rlzero data countdown-tiny",
                         InvalidArgument("need n >= 0, max-number >= 1, 2 <= count <= 6 and "
                                         "give-up probabilities in [0, 1]"));
    auto key = [](const Json& numbers, const Json& target) {
      return numbers.dump() + "=" + target.dump();
    };
    std::set<std::string> excluded;
    if (!exclude.empty()) {
      auto recs = data::ReadJsonl(exclude);
      if (!recs.ok()) return ReportError("rlzero data countdown-tiny --exclude", recs.status());
      for (size_t i = 0; i < recs->size(); ++i) {
        const Json& r = (*recs)[i];
        if (!r.is_object() || !r.contains("numbers") || !r.contains("target"))
          return ReportError("rlzero data countdown-tiny --exclude",
                             InvalidArgument(exclude + ": record " + std::to_string(i + 1) +
                                             " has no \"numbers\" and \"target\""));
        excluded.insert(key(r["numbers"], r["target"]));
      }
    }
    std::mt19937_64 rng(seed);
    for (int64_t i = 0; i < n; ++i) {
      data::TinyCountdownProblem p = data::RandomTinyCountdownProblem(rng, o);
      for (int redraws = 0; excluded.count(key(Json(p.numbers), Json(p.target))); ++redraws) {
        if (redraws == 100000)
          return ReportError(
              "rlzero data countdown-tiny",
              InvalidArgument("--exclude " + exclude + " leaves (almost) no problems to draw"));
        p = data::RandomTinyCountdownProblem(rng, o);
      }
      Json rec = {{"id", "countdown-tiny-" + std::to_string(seed) + "-" + std::to_string(i)},
                  {"prompt", data::TinyCountdownPrompt(p)},
                  {"numbers", p.numbers},
                  {"target", p.target}};
      if (sft) rec["response"] = data::TinyCountdownTrace(p, rng, o);
      Write(rec);
    }
    std::fflush(stdout);
    std::fprintf(stderr, "rlzero data countdown-tiny: %lld records\n", static_cast<long long>(n));
    return 0;
  });
}

int RunConverter(const data::DatasetConverter& conv, int argc, char** argv) {
  std::string name = "rlzero data " + conv.name;
  CLI::App app{"convert " + conv.name + " JSONL (plain or .gz) into task JSONL", name};
  data::ConvertOptions options;
  std::string input;
  app.add_option("--input", input, "the published JSONL file (.gz ok, - for stdin)")->required();
  app.add_option(
      "--template", options.prompt_template,
      "prompt template: a built-in name or text (default " + conv.default_template + ")");
  if (conv.splits.size() > 1)
    app.add_option("--split", options.split, "which split (default all)")
        ->check(CLI::IsMember(conv.splits));
  return RunApp(app, argc, argv, [&]() -> int {
    size_t n = 0;
    Status st = data::ConvertFile(conv, input, options, [&](const Json& rec) {
      Write(rec);
      ++n;
    });
    std::fflush(stdout);
    if (!st.ok()) return ReportError(name, st);
    std::fprintf(stderr, "%s: %zu records\n", name.c_str(), n);
    return 0;
  });
}

}  // namespace

int RunData(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))
    return DataHelp(argc < 2 ? stderr : stdout);
  std::string source = argv[1];
  if (source == "countdown") return RunCountdown(argc - 1, argv + 1);
  if (source == "countdown-tiny") return RunCountdownTiny(argc - 1, argv + 1);
  if (const data::DatasetConverter* conv = data::FindConverter(source))
    return RunConverter(*conv, argc - 1, argv + 1);
  std::fprintf(stderr, "rlzero data: unknown source '%s' (see rlzero data --help)\n",
               source.c_str());
  return 2;
}

}  // namespace rlzero::cli
