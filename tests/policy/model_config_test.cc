// tests/policy/model_config_test.cc: config.json parsing against the
// published configs of real checkpoints (values copied from their
// config.json files on the Hugging Face hub), and writing back.
#include "policy/model_config.h"

#include <gtest/gtest.h>

#include "policy/model_family.h"

namespace rlzero {
namespace {

using Json = nlohmann::json;

// meta-llama/Llama-3.1-8B config.json.
const char* kLlama31 = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu",
  "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
  "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "pretraining_tp": 1, "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
  "transformers_version": "4.43.0.dev0", "use_cache": true, "vocab_size": 128256})";

// Qwen/Qwen2.5-0.5B config.json.
const char* kQwen25 = R"({
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
  "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
  "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24,
  "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
  "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "transformers_version": "4.40.1", "use_cache": true, "use_mrope": false,
  "use_sliding_window": false, "vocab_size": 151936})";

// Qwen/Qwen3-0.6B config.json (head_dim 128 != 1024 / 16).
const char* kQwen3 = R"({
  "architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
  "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
  "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
  "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null,
  "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.51.0",
  "use_cache": true, "use_sliding_window": false, "vocab_size": 151936})";

TEST(ModelConfigTest, ParsesLlama31) {
  auto c = ParseModelConfigText(kLlama31, "llama/config.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->model_type, "llama");
  EXPECT_EQ(c->hidden_size, 4096);
  EXPECT_EQ(c->intermediate_size, 14336);
  EXPECT_EQ(c->num_key_value_heads, 8);
  EXPECT_EQ(c->head_dim, 128);
  EXPECT_DOUBLE_EQ(c->rms_norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(c->rope_theta, 500000.0);
  ASSERT_TRUE(c->rope_scaling.has_value());
  EXPECT_DOUBLE_EQ(c->rope_scaling->factor, 8.0);
  EXPECT_EQ(c->rope_scaling->original_max_position_embeddings, 8192);
  EXPECT_EQ(c->eos_token_ids, std::vector<int64_t>({128001, 128008, 128009}));
  EXPECT_EQ(c->bos_token_id, 128000);
  EXPECT_FALSE(c->tie_word_embeddings);
  EXPECT_EQ(c->torch_dtype, "bfloat16");
  EXPECT_EQ(c->vocab_size, 128256);
}

TEST(ModelConfigTest, ParsesQwen25AndQwen3) {
  auto q2 = ParseModelConfigText(kQwen25, "q2");
  ASSERT_TRUE(q2.ok()) << q2.status().message();
  EXPECT_EQ(q2->head_dim, 64);
  EXPECT_EQ(q2->num_key_value_heads, 2);
  EXPECT_TRUE(q2->tie_word_embeddings);
  EXPECT_FALSE(q2->rope_scaling.has_value());
  EXPECT_EQ(q2->extra["use_mrope"], false) << "unmodelled fields are kept";
  auto q3 = ParseModelConfigText(kQwen3, "q3");
  ASSERT_TRUE(q3.ok()) << q3.status().message();
  EXPECT_EQ(q3->head_dim, 128);
  EXPECT_EQ(q3->hidden_size / q3->num_attention_heads, 64);
  EXPECT_DOUBLE_EQ(q3->rope_theta, 1e6);
}

// transformers 5 writes rope_parameters instead of rope_theta and
// rope_scaling (its modeling_rope_utils); a config saved that way must give
// the same RoPE as the legacy fields.
TEST(ModelConfigTest, ReadsTransformers5RopeParameters) {
  Json q = Json::parse(kQwen25);
  q.erase("rope_theta");
  q["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 1000000.0}};
  auto c = ParseModelConfig(q, "q2");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c->rope_theta, 1e6) << "not Qwen2's default 10000";
  EXPECT_FALSE(c->rope_scaling.has_value());

  Json l = Json::parse(kLlama31);
  Json legacy_scaling = l["rope_scaling"];
  l.erase("rope_theta");
  l.erase("rope_scaling");
  l["rope_parameters"] = legacy_scaling;
  l["rope_parameters"]["rope_theta"] = 500000.0;
  auto v5 = ParseModelConfig(l, "llama");
  auto v4 = ParseModelConfigText(kLlama31, "llama");
  ASSERT_TRUE(v5.ok()) << v5.status().message();
  ASSERT_TRUE(v4.ok());
  EXPECT_DOUBLE_EQ(v5->rope_theta, 500000.0);
  ASSERT_TRUE(v5->rope_scaling.has_value());
  EXPECT_EQ(v5->rope_scaling->rope_type, "llama3");
  EXPECT_DOUBLE_EQ(v5->rope_scaling->factor, v4->rope_scaling->factor);
  EXPECT_DOUBLE_EQ(v5->rope_scaling->high_freq_factor, v4->rope_scaling->high_freq_factor);
  EXPECT_EQ(v5->rope_scaling->original_max_position_embeddings,
            v4->rope_scaling->original_max_position_embeddings);

  // Both forms present and agreeing: fine; disagreeing, or scaled twice, or
  // a partial rotary dimension: named errors.
  q["rope_theta"] = 1000000.0;
  EXPECT_TRUE(ParseModelConfig(q, "q2").ok());
  q["rope_theta"] = 10000.0;
  auto bad = ParseModelConfig(q, "q2");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("disagree"), std::string::npos) << bad.status().message();
  Json twice = Json::parse(kLlama31);
  twice["rope_parameters"] = legacy_scaling;
  twice["rope_parameters"]["rope_theta"] = 500000.0;
  EXPECT_TRUE(ParseModelConfig(twice, "llama").ok()) << "both forms, the same scaling";
  twice["rope_parameters"]["factor"] = 4.0;
  bad = ParseModelConfig(twice, "llama");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("both rope_scaling and rope_parameters"),
            std::string::npos);
  Json partial = Json::parse(kQwen25);
  partial["rope_parameters"] = {{"rope_type", "default"}, {"partial_rotary_factor", 0.5}};
  bad = ParseModelConfig(partial, "q2");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(bad.status().message().find("partial_rotary_factor"), std::string::npos);
  Json unknown = Json::parse(kQwen25);
  unknown["rope_parameters"] = {{"rope_type", "longrope"}, {"rope_theta", 1e6}};
  bad = ParseModelConfig(unknown, "q2");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("rope_parameters: rope_type 'longrope'"), std::string::npos)
      << bad.status().message();
}

TEST(ModelConfigTest, DefaultsFollowTransformers) {
  Json j = {{"model_type", "qwen3"},   {"vocab_size", 10},       {"hidden_size", 32},
            {"intermediate_size", 64}, {"num_hidden_layers", 1}, {"num_attention_heads", 4}};
  auto c = ParseModelConfig(j, "cfg");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->head_dim, 128);  // Qwen3Config default
  EXPECT_EQ(c->num_key_value_heads, 4);
  j["model_type"] = "llama";
  c = ParseModelConfig(j, "cfg");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->head_dim, 8);
  EXPECT_DOUBLE_EQ(c->rope_theta, 10000.0);
}

TEST(ModelConfigTest, WritesWhatTransformersExpects) {
  for (const char* text : {kLlama31, kQwen25, kQwen3}) {
    auto c = ParseModelConfigText(text, "cfg");
    ASSERT_TRUE(c.ok());
    Json out = ModelConfigToJson(*c);
    Json in = Json::parse(text);
    // Every field of the original survives with its value (transformers_version aside).
    for (auto it = in.begin(); it != in.end(); ++it) {
      if (it.key() == "transformers_version") continue;
      ASSERT_TRUE(out.contains(it.key())) << it.key();
      if (it.value().is_number()) {
        EXPECT_DOUBLE_EQ(out[it.key()].get<double>(), it.value().get<double>()) << it.key();
      } else if (it.key() == "rope_scaling" && it.value().is_object()) {
        for (auto r = it.value().begin(); r != it.value().end(); ++r)
          EXPECT_EQ(out["rope_scaling"][r.key()], r.value()) << r.key();
      } else {
        EXPECT_EQ(out[it.key()], it.value()) << it.key();
      }
    }
    auto again = ParseModelConfig(out, "again");
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(ModelConfigToJson(*again), out);
  }
  auto q2 = ParseModelConfigText(kQwen25, "q2");
  EXPECT_FALSE(ModelConfigToJson(*q2).contains("attention_bias"));
}

TEST(ModelConfigTest, RejectsWhatItCannotRun) {
  struct Case {
    const char* key;
    Json value;
    const char* mention;
  };
  std::vector<Case> cases = {
      {"model_type", "gpt2", "unknown model_type 'gpt2'"},
      {"hidden_size", nullptr, "missing field hidden_size"},
      {"hidden_size", -4, "hidden_size"},
      {"hidden_size", "big", "hidden_size"},
      {"num_key_value_heads", 3, "num_key_value_heads"},
      {"rope_scaling", Json{{"rope_type", "dynamic"}, {"factor", 4.0}}, "rope_type 'dynamic'"},
      {"rope_scaling", Json{{"type", "yarn"}}, "missing field factor"},
      {"hidden_act", "gelu", "gelu"},
      {"use_sliding_window", true, "use_sliding_window"},
      {"torch_dtype", "int8", "int8"},
      {"head_dim", 7, "head_dim"},
      {"eos_token_id", Json::array({1, "x"}), "eos_token_id"},
  };
  for (const auto& c : cases) {
    Json j = Json::parse(kLlama31);
    if (c.value.is_null()) {
      j.erase(c.key);
    } else {
      j[c.key] = c.value;
    }
    auto r = ParseModelConfig(j, "bad/config.json");
    ASSERT_FALSE(r.ok()) << c.key;
    EXPECT_NE(r.status().message().find("bad/config.json"), std::string::npos);
    EXPECT_NE(r.status().message().find(c.mention), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(ParseModelConfigText("[]", "x").ok());
  EXPECT_FALSE(ParseModelConfigText("{", "x").ok());
  EXPECT_FALSE(LoadModelConfig("/nonexistent/dir").ok());
}

TEST(ModelFamilyTest, RegistryListsEveryFamily) {
  EXPECT_EQ(ModelFamilyNames(),
            std::vector<std::string>({"llama", "qwen2", "qwen3", "deepseek_v3"}));
  EXPECT_STREQ(FindModelFamily("qwen2")->architecture, "Qwen2ForCausalLM");
  EXPECT_STREQ(FindModelFamily("qwen3")->architecture, "Qwen3ForCausalLM");
  EXPECT_STREQ(FindModelFamily("llama")->architecture, "LlamaForCausalLM");
  EXPECT_EQ(FindModelFamily("mistral"), nullptr);
}

}  // namespace
}  // namespace rlzero
