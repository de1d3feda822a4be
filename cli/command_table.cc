// cli/command_table.cc
#include "cli/command_table.h"

namespace rlzero::cli {

const std::vector<CommandInfo>& AllCommands() {
  static const std::vector<CommandInfo> kCommands = {
      {"train", "GRPO training (R1-Zero style): the main job", true},
      {"sft", "supervised fine-tuning / pretraining on JSONL", true},
      {"generate", "sample completions with log-probs from a model", true},
      {"score", "log-probs of given completion tokens under a model", true},
      {"tokenize", "encode text to ids or decode ids to text with a tokenizer.json", false},
      {"init", "write a randomly initialised model dir in the Hugging Face layout", true},
      {"eval", "pass@1 / pass@k of a model on a task with the verifiers", true},
      {"verify", "score responses with a verifier (math, countdown, code, ...)", false},
      {"sandbox", "run an untrusted program in the isolated sandbox", false},
      {"inspect", "query the rollouts of a run in the terminal", false},
      {"report", "write a self-contained HTML report of a run", false},
      {"serve", "serve a run's report live over HTTP while it trains", false},
      {"plot", "plot a metric of one or more runs (e.g. seeds) as an SVG chart", false},
      {"data", "turn public datasets and generators into training/eval JSONL", false},
      {"bench", "benchmarks: rollout, learner, verify, sandbox, tokenize, sync (JSON)", false},
      {"learner", "run the learner (single controller) service", true},
      {"rollout-worker", "run a rollout worker service", true},
      {"verifier-server", "serve the registered verifiers over gRPC", false},
      {"sandbox-server", "serve the sandbox over gRPC", false},
  };
  return kCommands;
}

const CommandInfo* FindCommand(const std::string& name) {
  for (const auto& c : AllCommands())
    if (name == c.name) return &c;
  return nullptr;
}

std::string TopLevelHelp() {
  std::string s =
      "rlzero: reinforcement learning from verifiable rewards (GRPO, R1-Zero style)\n\n"
      "usage: rlzero <subcommand> [flags]      rlzero <subcommand> --help\n"
      "       rlzero --version\n\nsubcommands:\n";
  for (const auto& c : AllCommands()) {
    std::string name = c.name;
    s += "  " + name + std::string(name.size() < 17 ? 17 - name.size() : 1, ' ') + c.purpose + "\n";
  }
  s += "\nMachine-readable output goes to stdout as JSON lines; progress to stderr.\n";
  return s;
}

}  // namespace rlzero::cli
