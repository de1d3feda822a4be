// tests/policy/transformers_parity_test.cc: rlzero's model code and rollout
// engine against transformers itself. The fixtures are tiny random models
// saved by transformers with its own float32 logits and greedy
// continuations (scripts/gpu-fixtures.py, run where transformers is
// installed; committed under tests/fixtures/transformers/<name>/). Each one:
//   - loads with rlzero's loader (config.json and safetensors as
//     transformers wrote them);
//   - gives transformers' logits for the same ids, within 1e-4;
//   - decodes greedily with the KV-cache engine to transformers' tokens.
// Without fixtures the test skips and says how to make them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "policy/model_io.h"
#include "rollout/rollout_engine.h"

namespace rlzero {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FixtureDirs() {
  std::vector<fs::path> dirs;
  const fs::path root = fs::path(RLZERO_SOURCE_DIR) / "tests/fixtures/transformers";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "reference.json")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

TEST(TransformersParityTest, LogitsAndGreedyTokensMatchTransformers) {
  const std::vector<fs::path> dirs = FixtureDirs();
  if (dirs.empty()) {
    GTEST_SKIP() << "no fixtures in tests/fixtures/transformers/: run scripts/gpu-fixtures.py "
                    "OUT where transformers is installed and commit OUT's folders there";
  }
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    std::ifstream in(dir / "reference.json");
    const nlohmann::json ref = nlohmann::json::parse(in);
    auto loaded = LoadModel(dir.string(), torch::kCPU, torch::kFloat32);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    CausalLM& model = *loaded->model;
    const auto inputs = ref["input_ids"].get<std::vector<std::vector<int64_t>>>();
    const auto want_logits = ref["logits"].get<std::vector<std::vector<std::vector<float>>>>();
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int64_t T = static_cast<int64_t>(inputs[i].size());
      auto ids = torch::tensor(inputs[i], torch::kInt64).view({1, T});
      auto pos = torch::arange(T, torch::kInt64).view({1, T});
      torch::Tensor got = model.Logits(model.Forward(ids, pos, torch::Tensor(), nullptr))[0];
      torch::Tensor want = torch::empty({T, got.size(1)});
      for (int64_t t = 0; t < T; ++t) {
        ASSERT_EQ(static_cast<int64_t>(want_logits[i][t].size()), got.size(1));
        want[t] = torch::tensor(want_logits[i][t]);
      }
      const double diff = (got - want).abs().max().item<double>();
      EXPECT_LE(diff, 1e-4) << "input " << i << ": max |logit difference| " << diff;
    }
    // Greedy through the KV-cache engine (no EOS: exactly new_tokens each).
    RolloutEngine engine(loaded->model, RolloutEngineOptions{});
    SamplingParams p;
    p.temperature = 0;
    p.max_new_tokens = ref["new_tokens"].get<int>();
    std::vector<std::vector<int32_t>> prompts;
    for (const auto& row : inputs) prompts.emplace_back(row.begin(), row.end());
    auto out = engine.Generate(prompts, p);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const auto greedy = ref["greedy"].get<std::vector<std::vector<int32_t>>>();
    for (const Completion& c : *out) {
      EXPECT_EQ(c.token_ids, greedy[c.prompt_index]) << "input " << c.prompt_index;
    }
  }
}

}  // namespace
}  // namespace rlzero
