// tests/learner/tiny_train_setup.h: a tiny `rlzero train` setup on disk for
// tests that run the real binary: a 1-layer qwen2 (hidden 32) with a
// character tokenizer, a 4-prompt arithmetic JSONL and a train.yaml whose
// trainer/grpo/optim lines the test chooses. Test-only; returns false (with
// a gtest failure) if any file cannot be written.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "base/config.h"
#include "policy/model_io.h"
#include "policy/safetensors.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero::testing {

// Writes ROOT/model, ROOT/train.jsonl and ROOT/train.yaml (with `extra_yaml`
// appended: trainer, grpo, optim... sections).
inline bool WriteTinyTrainSetup(const std::filesystem::path& root, const std::string& extra_yaml) {
  namespace fs = std::filesystem;
  fs::create_directories(root / "model");
  const std::string model = (root / "model").string();
  const Status tok_written =
      WriteCharTokenizer(model, "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz", {"<eos>"});
  EXPECT_TRUE(tok_written.ok()) << tok_written.ToString();
  auto tok = Tokenizer::Load(model);
  EXPECT_TRUE(tok.ok());
  if (!tok.ok()) return false;
  Json cj = {{"model_type", "qwen2"},
             {"vocab_size", (*tok)->vocab_size()},
             {"hidden_size", 32},
             {"intermediate_size", 64},
             {"num_hidden_layers", 1},
             {"num_attention_heads", 2},
             {"num_key_value_heads", 1},
             {"max_position_embeddings", 128},
             {"eos_token_id", *(*tok)->TokenToId("<eos>")}};
  auto config = ParseModelConfig(cj, "tiny");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  if (!config.ok()) return false;
  auto built = BuildModel(*config, torch::kCPU, torch::kFloat32, 3);
  EXPECT_TRUE(built.ok());
  if (!built.ok()) return false;
  SaveOptions so;
  so.copy_files_from = model;
  const Status saved = SaveModel(model, *config, **built, so);
  EXPECT_TRUE(saved.ok()) << saved.ToString();
  std::ofstream data(root / "train.jsonl");
  data << R"({"id": "a", "prompt": "1+1", "answer": "2"})"
       << "\n"
       << R"({"id": "b", "prompt": "2+3", "answer": "5"})"
       << "\n"
       << R"({"id": "c", "prompt": "4-1", "answer": "3"})"
       << "\n"
       << R"({"id": "d", "prompt": "3*2", "answer": "6"})"
       << "\n";
  std::ofstream cfg(root / "train.yaml");
  cfg << "model: {path: " << model << "}\n"
      << "data: {train_file: " << (root / "train.jsonl").string()
      << ", template: \"q {prompt} a \"}\n"
      << "rollout: {temperature: 1.0, max_new_tokens: 8}\n"
      << "rewards: [{name: correctness, verifier: math, options: {fallback_last_number: true}}]\n"
      << extra_yaml;
  return saved.ok() && static_cast<bool>(data) && static_cast<bool>(cfg);
}

// The tensors of DIR/model.safetensors by name, as float64.
inline std::map<std::string, torch::Tensor> ReadWeights(const std::filesystem::path& dir) {
  std::map<std::string, torch::Tensor> out;
  auto file = SafetensorsFile::Open((dir / "model.safetensors").string());
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return out;
  for (const StEntry& e : (*file)->entries()) {
    EXPECT_EQ(e.dtype, StDtype::kF32) << e.name;
    torch::Tensor t = torch::empty(e.shape, torch::kFloat32);
    if (static_cast<size_t>(t.nbytes()) != e.nbytes) {
      ADD_FAILURE() << e.name << ": " << e.nbytes << " bytes";
      continue;
    }
    std::memcpy(t.data_ptr(), e.data, e.nbytes);
    out[e.name] = t.to(torch::kFloat64);
  }
  return out;
}

// Largest |a - b| over tensors of the same name (a missing name: infinity).
inline double MaxAbsDifference(const std::map<std::string, torch::Tensor>& a,
                               const std::map<std::string, torch::Tensor>& b) {
  double worst = a.size() == b.size() ? 0.0 : INFINITY;
  for (const auto& [name, t] : a) {
    auto it = b.find(name);
    if (it == b.end() || !it->second.sizes().equals(t.sizes())) return INFINITY;
    worst = std::max(worst, (t - it->second).abs().max().item<double>());
  }
  return worst;
}

}  // namespace rlzero::testing
