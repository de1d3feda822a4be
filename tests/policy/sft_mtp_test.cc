// tests/policy/sft_mtp_test.cc: `rlzero sft` with Multi-Token Prediction on a
// tiny deepseek_v3 model: the MTP loss is logged and decreases; with weight 0
// the run is exactly the plain next-token run (the same weights loaded as a
// model without MTP modules), and the MTP term does not change the main loss
// of the first step (same forward pass).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "policy/deepseek/deepseek_v3.h"
#include "policy/model_io.h"
#include "policy/sft_trainer.h"

namespace rlzero {
namespace {

using Json = nlohmann::json;

deepseek::DeepseekV3Config TinyMtpConfig() {
  deepseek::DeepseekV3Config c;
  c.vocab_size = 32;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.moe_intermediate_size = 16;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.num_key_value_heads = 2;
  c.n_shared_experts = 1;
  c.n_routed_experts = 4;
  c.n_group = 1;
  c.topk_group = 1;
  c.num_experts_per_tok = 2;
  c.first_k_dense_replace = 1;
  c.kv_lora_rank = 8;
  c.q_lora_rank = 0;
  c.qk_rope_head_dim = 4;
  c.qk_nope_head_dim = 8;
  c.v_head_dim = 8;
  c.num_nextn_predict_layers = 1;
  c.max_position_embeddings = 64;
  c.eos_token_id = 31;
  c.bos_token_id = 0;
  return c;
}

class SftMtpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::testing::TempDir() + "/sft_mtp_test";
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    auto config = ParseModelConfig(TinyMtpConfig().ToJson(), "tiny/config.json");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto model = BuildModel(*config, torch::kCPU, torch::kFloat32, 11);
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    ASSERT_TRUE(SaveModel(root_ + "/mtp", *config, **model).ok());
    // The same weights as a model without MTP modules (the module's tensors
    // stay in the file, unused).
    ModelConfig plain = *config;
    plain.extra["num_nextn_predict_layers"] = 0;
    ASSERT_TRUE(SaveModel(root_ + "/plain", plain, **model).ok());
    // Arithmetic progressions mod 30: token t+2 is predictable from t and t+1.
    std::ofstream data(root_ + "/data.jsonl");
    for (int s = 0; s < 30; ++s) {
      for (int d = 1; d <= 2; ++d) {
        Json ids = Json::array();
        for (int t = 0; t < 12; ++t) ids.push_back((s + d * t) % 30);
        data << Json{{"ids", ids}}.dump() << "\n";
      }
    }
  }

  // Runs sft and returns the metrics lines.
  std::vector<Json> Sft(const std::string& model, double mtp_weight, int steps) {
    SftConfig c;
    c.model = root_ + "/" + model;
    c.data = root_ + "/data.jsonl";
    c.run_dir = root_ + "/run_" + model + std::to_string(mtp_weight);
    c.max_steps = steps;
    c.batch_size = 8;
    c.lr = 3e-3;
    c.min_lr_ratio = 1.0;
    c.seed = 5;
    c.mtp_loss_weight = mtp_weight;
    std::FILE* f = std::tmpfile();
    auto r = RunSft(c, f);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::rewind(f);
    std::vector<Json> out;
    char line[4096];
    while (std::fgets(line, sizeof(line), f) != nullptr) out.push_back(Json::parse(line));
    std::fclose(f);
    return out;
  }

  std::string root_;
};

TEST_F(SftMtpTest, MtpLossIsLoggedAndDecreases) {
  auto m = Sft("mtp", 0.3, 40);
  ASSERT_EQ(m.size(), 40u);
  ASSERT_TRUE(m.front().contains("mtp_loss"));
  const double first = m.front()["mtp_loss"].get<double>();
  const double last = m.back()["mtp_loss"].get<double>();
  EXPECT_NEAR(first, std::log(32.0), 0.5);  // near uniform at init
  EXPECT_LT(last, 0.7 * first) << first << " -> " << last;
  EXPECT_LT(m.back()["loss"].get<double>(), 0.7 * m.front()["loss"].get<double>());
}

TEST_F(SftMtpTest, WeightZeroIsThePlainLoss) {
  auto off = Sft("mtp", 0.0, 5);
  auto plain = Sft("plain", 0.3, 5);  // no modules: the weight has nothing to act on
  auto on = Sft("mtp", 0.3, 5);
  ASSERT_EQ(off.size(), 5u);
  ASSERT_EQ(plain.size(), 5u);
  ASSERT_EQ(on.size(), 5u);
  for (size_t i = 0; i < off.size(); ++i) {
    EXPECT_FALSE(off[i].contains("mtp_loss"));
    EXPECT_FALSE(plain[i].contains("mtp_loss"));
    EXPECT_NEAR(off[i]["loss"].get<double>(), plain[i]["loss"].get<double>(), 1e-6) << i;
  }
  // Step 1's main loss comes from the same forward pass either way.
  EXPECT_NEAR(on[0]["loss"].get<double>(), off[0]["loss"].get<double>(), 1e-6);
  EXPECT_NE(on[4]["loss"].get<double>(), off[4]["loss"].get<double>());
}

}  // namespace
}  // namespace rlzero
