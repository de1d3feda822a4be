// tests/inspect/test_run_dir.h: a scratch run dir per test and a hand-built
// synthetic rollout, shared by the inspect tests. Test-only.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "inspect/rollout_record.h"

namespace rlzero::inspect::testing {

// A fresh empty directory under the system temp dir, removed by the destructor.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("rlzero_inspect_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Rollout of `step`, prompt `pid`, sample `k`: completion "<k> says <word>",
// tokens = its space-separated words, log-probs -0.1*(i+1).
inline RolloutRecord MakeRollout(int64_t step, const std::string& pid, int k, double reward,
                                 bool correct, const std::string& word = "hello") {
  RolloutRecord r;
  r.run_id = "test-run";
  r.step = step;
  r.weights_version = step;
  r.prompt_id = pid;
  r.prompt = "Question " + pid + ": what is 2+2?";
  r.sample_index = k;
  r.token_texts = {std::to_string(k), " says", " " + word};
  r.completion = r.token_texts[0] + r.token_texts[1] + r.token_texts[2];
  r.token_ids = {100 + k, 200, 300};
  r.token_logprobs = {-0.1f, -0.2f, -0.3f};
  r.rewards = {{"correctness", correct ? 1.0 : 0.0}, {"format", reward - (correct ? 1.0 : 0.0)}};
  r.reward = reward;
  r.advantage = reward - 0.5;
  r.correct = correct;
  r.finish_reason = k % 2 == 0 ? "stop" : "length";
  r.extracted_answer = correct ? "4" : "5";
  r.verifier_reason = correct ? "matches 4" : "5 != 4";
  r.generate_ms = 12.5;
  r.verify_ms = 0.25;
  return r;
}

}  // namespace rlzero::inspect::testing
