// tests/policy/model_io_test.cc: init -> save -> load -> save round trips
// (identical bytes and tensors, all families, f32/bf16, single file and
// shards), the HF layout on disk, and bad checkpoints giving named errors.
#include "policy/model_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "policy/safetensors.h"

namespace rlzero {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

ModelConfig Tiny(const std::string& type, bool tie) {
  ModelConfig c;
  c.model_type = type;
  c.vocab_size = 50;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = type == "qwen3" ? 8 : 4;
  c.tie_word_embeddings = tie;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  return c;
}

std::string TempDir(const std::string& name) {
  std::string d =
      fs::temp_directory_path().string() + "/rlz_io_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ExpectSameParams(CausalLM& a, CausalLM& b) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) {
    const torch::Tensor* q = pb.find(p.key());
    ASSERT_NE(q, nullptr) << p.key();
    EXPECT_TRUE(torch::equal(p.value(), *q)) << p.key();
  }
}

TEST(ModelIoTest, InitSaveLoadSaveIsIdentical) {
  for (const char* type : {"llama", "qwen2", "qwen3"}) {
    for (bool tie : {false, true}) {
      for (auto dtype : {torch::kFloat32, torch::kBFloat16}) {
        ModelConfig c = Tiny(type, tie);
        auto m = BuildModel(c, torch::kCPU, dtype, 11);
        ASSERT_TRUE(m.ok()) << m.status().message();
        std::string d1 = TempDir("a"), d2 = TempDir("b");
        ASSERT_TRUE(SaveModel(d1, c, **m).ok());
        auto loaded = LoadModel(d1, torch::kCPU, dtype);
        ASSERT_TRUE(loaded.ok()) << loaded.status().message();
        EXPECT_TRUE(loaded->unused_tensors.empty());
        ExpectSameParams(**m, *loaded->model);
        ASSERT_TRUE(SaveModel(d2, loaded->config, *loaded->model).ok());
        EXPECT_EQ(ReadBytes(d1 + "/model.safetensors"), ReadBytes(d2 + "/model.safetensors"))
            << type << " tie=" << tie << " " << DtypeName(dtype);
        EXPECT_EQ(Json::parse(ReadBytes(d1 + "/config.json")),
                  Json::parse(ReadBytes(d2 + "/config.json")));
        fs::remove_all(d1);
        fs::remove_all(d2);
      }
    }
  }
}

TEST(ModelIoTest, WritesHfLayout) {
  ModelConfig c = Tiny("qwen2", /*tie=*/true);
  auto m = BuildModel(c, torch::kCPU, torch::kBFloat16, 1);
  ASSERT_TRUE(m.ok());
  std::string src = TempDir("src"), d = TempDir("layout");
  std::ofstream(src + "/tokenizer.json") << "{\"model\":{}}";
  std::ofstream(src + "/tokenizer_config.json") << "{}";
  SaveOptions opts;
  opts.copy_files_from = src;
  ASSERT_TRUE(SaveModel(d, c, **m, opts).ok());
  EXPECT_TRUE(fs::exists(d + "/tokenizer.json"));
  EXPECT_TRUE(fs::exists(d + "/tokenizer_config.json"));
  Json gen = Json::parse(ReadBytes(d + "/generation_config.json"));
  EXPECT_EQ(gen["bos_token_id"], 1);
  EXPECT_EQ(gen["eos_token_id"], 2);
  Json cfg = Json::parse(ReadBytes(d + "/config.json"));
  EXPECT_EQ(cfg["architectures"], Json::array({"Qwen2ForCausalLM"}));
  EXPECT_EQ(cfg["torch_dtype"], "bfloat16");
  EXPECT_EQ(cfg["tie_word_embeddings"], true);
  auto f = SafetensorsFile::Open(d + "/model.safetensors");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->metadata().at("format"), "pt");
  EXPECT_EQ((*f)->Find("lm_head.weight"), nullptr) << "tied: no lm_head";
  const StEntry* bias = (*f)->Find("model.layers.1.self_attn.k_proj.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->dtype, StDtype::kBF16);
  EXPECT_EQ(bias->shape, std::vector<int64_t>({8}));
  fs::remove_all(src);
  fs::remove_all(d);
}

TEST(ModelIoTest, ShardedSaveAndLoad) {
  ModelConfig c = Tiny("llama", false);
  auto m = BuildModel(c, torch::kCPU, torch::kFloat32, 3);
  ASSERT_TRUE(m.ok());
  std::string d = TempDir("shard");
  SaveOptions opts;
  opts.max_shard_bytes = 4000;  // a few tensors per shard
  ASSERT_TRUE(SaveModel(d, c, **m, opts).ok());
  EXPECT_FALSE(fs::exists(d + "/model.safetensors"));
  Json index = Json::parse(ReadBytes(d + "/model.safetensors.index.json"));
  std::set<std::string> shards;
  for (auto& [k, v] : index["weight_map"].items()) shards.insert(v.get<std::string>());
  EXPECT_GT(shards.size(), 2u);
  EXPECT_TRUE(shards.count("model-00001-of-" +
                           std::string(5 - std::to_string(shards.size()).size(), '0') +
                           std::to_string(shards.size()) + ".safetensors"));
  EXPECT_EQ(index["weight_map"].size(), (*m)->named_parameters().size());
  uint64_t total = 0;
  for (const auto& p : (*m)->named_parameters()) total += p.value().numel() * 4;
  EXPECT_EQ(index["metadata"]["total_size"], total);
  auto loaded = LoadModel(d, torch::kCPU, torch::kFloat32);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ExpectSameParams(**m, *loaded->model);
  // Saving again unsharded removes the shards.
  ASSERT_TRUE(SaveModel(d, c, **m).ok());
  EXPECT_FALSE(fs::exists(d + "/model.safetensors.index.json"));
  EXPECT_TRUE(LoadModel(d, torch::kCPU, torch::kFloat32).ok());
  fs::remove_all(d);
}

TEST(ModelIoTest, LoadsOtherDtypesAndConverts) {
  ModelConfig c = Tiny("qwen3", false);
  auto m = BuildModel(c, torch::kCPU, torch::kFloat32, 4);
  ASSERT_TRUE(m.ok());
  std::string d = TempDir("conv");
  SaveOptions opts;
  opts.dtype = torch::kFloat16;
  ASSERT_TRUE(SaveModel(d, c, **m, opts).ok());
  auto loaded = LoadModel(d, torch::kCPU, torch::kFloat32);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  for (const auto& p : (*m)->named_parameters()) {
    auto q = loaded->model->named_parameters()[p.key()];
    EXPECT_EQ(q.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::equal(q, p.value().to(torch::kFloat16).to(torch::kFloat32))) << p.key();
  }
  fs::remove_all(d);
}

// Rewrites DIR/model.safetensors with `edit` applied to the list of tensors.
void RewriteWeights(const std::string& dir,
                    const std::function<void(std::vector<StTensorToWrite>&)>& edit) {
  std::string bytes = ReadBytes(dir + "/model.safetensors");
  auto f = SafetensorsFile::FromBytes(bytes, "orig");
  ASSERT_TRUE(f.ok());
  std::vector<StTensorToWrite> ts;
  for (const auto& e : (*f)->entries()) ts.push_back({e.name, e.dtype, e.shape, e.data, e.nbytes});
  edit(ts);
  ASSERT_TRUE(WriteSafetensors(dir + "/model.safetensors", ts, {{"format", "pt"}}).ok());
}

TEST(ModelIoTest, BadCheckpointsNameFileAndTensor) {
  ModelConfig c = Tiny("llama", false);
  auto m = BuildModel(c, torch::kCPU, torch::kFloat32, 5);
  ASSERT_TRUE(m.ok());
  const std::string target = "model.layers.1.mlp.up_proj.weight";
  std::vector<int64_t> ints(24 * 16, 0);

  struct Case {
    const char* what;
    std::function<void(const std::string&)> corrupt;
    std::vector<std::string> mentions;
  };
  std::vector<Case> cases = {
      {"missing tensor",
       [&](const std::string& d) {
         RewriteWeights(d, [&](auto& ts) {
           ts.erase(std::remove_if(ts.begin(), ts.end(), [&](auto& t) { return t.name == target; }),
                    ts.end());
         });
       },
       {target, "missing"}},
      {"misshapen tensor",
       [&](const std::string& d) {
         RewriteWeights(d, [&](auto& ts) {
           for (auto& t : ts)
             if (t.name == target) t.shape = {16, 24};
         });
       },
       {target, "model.safetensors", "[16,24]", "[24,16]"}},
      {"dtype mismatch",
       [&](const std::string& d) {
         RewriteWeights(d, [&](auto& ts) {
           for (auto& t : ts)
             if (t.name == target) {
               t.dtype = StDtype::kI32;
               t.data = ints.data();
             }
         });
       },
       {target, "model.safetensors", "I32"}},
      {"truncated file",
       [&](const std::string& d) {
         std::string b = ReadBytes(d + "/model.safetensors");
         std::ofstream(d + "/model.safetensors", std::ios::binary) << b.substr(0, b.size() - 100);
       },
       {"model.safetensors", "out of range"}},
      {"unknown model_type",
       [&](const std::string& d) {
         Json j = Json::parse(ReadBytes(d + "/config.json"));
         j["model_type"] = "mamba";
         std::ofstream(d + "/config.json") << j.dump();
       },
       {"config.json", "mamba"}},
      {"no weights",
       [&](const std::string& d) { fs::remove(d + "/model.safetensors"); },
       {"model.safetensors"}},
  };
  for (const auto& cs : cases) {
    std::string d = TempDir("bad");
    ASSERT_TRUE(SaveModel(d, c, **m).ok());
    cs.corrupt(d);
    auto r = LoadModel(d, torch::kCPU, torch::kFloat32);
    ASSERT_FALSE(r.ok()) << cs.what;
    for (const auto& s : cs.mentions)
      EXPECT_NE(r.status().message().find(s), std::string::npos)
          << cs.what << ": " << r.status().message() << " lacks " << s;
    fs::remove_all(d);
  }
}

TEST(ModelIoTest, ExtraTensorsAreReportedNotFatal) {
  ModelConfig c = Tiny("llama", true);
  auto m = BuildModel(c, torch::kCPU, torch::kFloat32, 6);
  ASSERT_TRUE(m.ok());
  std::string d = TempDir("extra");
  ASSERT_TRUE(SaveModel(d, c, **m).ok());
  float inv[2] = {1, 2};
  RewriteWeights(d, [&](auto& ts) {
    ts.push_back({"model.layers.0.self_attn.rotary_emb.inv_freq", StDtype::kF32, {2}, inv, 8});
  });
  auto r = LoadModel(d, torch::kCPU, torch::kFloat32);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->unused_tensors,
            std::vector<std::string>({"model.layers.0.self_attn.rotary_emb.inv_freq"}));
  fs::remove_all(d);
}

TEST(ModelIoTest, InitMatchesTransformersRecipe) {
  ModelConfig c = Tiny("qwen2", false);
  c.vocab_size = 400;
  c.hidden_size = 64;
  c.intermediate_size = 128;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 4;
  c.head_dim = 16;
  c.initializer_range = 0.05;
  c.pad_token_id = 3;
  auto m = BuildModel(c, torch::kCPU, torch::kFloat32, 9);
  ASSERT_TRUE(m.ok());
  for (const auto& p : (*m)->named_parameters()) {
    const std::string& n = p.key();
    const auto& t = p.value();
    if (n.find("norm.weight") != std::string::npos) {
      EXPECT_TRUE(torch::all(t == 1).item<bool>()) << n;
    } else if (n.find(".bias") != std::string::npos) {
      EXPECT_TRUE(torch::all(t == 0).item<bool>()) << n;
    } else if (t.numel() >= 4096) {
      EXPECT_NEAR(t.mean().item<double>(), 0.0, 0.01) << n;
      EXPECT_NEAR(t.std().item<double>(), 0.05, 0.005) << n;
    }
  }
  auto embed = (*m)->named_parameters()["model.embed_tokens.weight"];
  EXPECT_TRUE(torch::all(embed[3] == 0).item<bool>()) << "padding row";
  // Same seed, other dtype: the same draws, rounded.
  auto b = BuildModel(c, torch::kCPU, torch::kBFloat16, 9);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(torch::equal((*b)->named_parameters()["lm_head.weight"],
                           (*m)->named_parameters()["lm_head.weight"].to(torch::kBFloat16)));
}

}  // namespace
}  // namespace rlzero
