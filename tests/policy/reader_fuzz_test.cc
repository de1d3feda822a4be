// tests/policy/reader_fuzz_test.cc: seeded mutation fuzzing of the
// safetensors and config.json readers. Thousands of mutants of valid inputs
// (bit flips, byte runs, truncation, splices, forged header lengths, hostile
// JSON numbers); each must give a value or a Status with a message, never a
// crash, a hang or an out-of-bounds view. Run under ASan for more teeth.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>

#include "policy/model_config.h"
#include "policy/safetensors.h"

namespace rlzero {
namespace {

std::string ValidSafetensors() {
  float a[6] = {1, 2, 3, 4, 5, 6};
  uint16_t b[4] = {0x3f80, 0xc000, 0, 1};
  std::string path = ::testing::TempDir() + "/fuzz_seed.safetensors";
  EXPECT_TRUE(WriteSafetensors(path,
                               {{"model.layers.0.w", StDtype::kF32, {2, 3}, a, 24},
                                {"model.norm.weight", StDtype::kBF16, {4}, b, 8}},
                               {{"format", "pt"}})
                  .ok());
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const char* kConfig = R"({"architectures":["LlamaForCausalLM"],"model_type":"llama",
"vocab_size":128,"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,
"num_attention_heads":4,"num_key_value_heads":2,"rms_norm_eps":1e-5,"rope_theta":500000.0,
"rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
"original_max_position_embeddings":8192},"bos_token_id":1,"eos_token_id":[2,3],
"tie_word_embeddings":true,"torch_dtype":"bfloat16"})";

std::string Mutate(std::string s, std::mt19937_64& rng, bool json_aware) {
  static const char* kTokens[] = {"-1",
                                  "0",
                                  "1e308",
                                  "18446744073709551615",
                                  "9223372036854775807",
                                  "null",
                                  "[]",
                                  "{}",
                                  "\"",
                                  ",",
                                  ":",
                                  "[[[[",
                                  "\"F32\"",
                                  "\"BF16\"",
                                  "\"I64\"",
                                  "true",
                                  "-0.0",
                                  "1.5",
                                  "\"llama3\""};
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds; ++r) {
    const size_t n = s.size();
    switch (rng() % 7) {
      case 0:  // flip bits
        if (n) s[rng() % n] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // overwrite a byte with a random one
        if (n) s[rng() % n] = static_cast<char>(rng());
        break;
      case 2:  // truncate
        if (n) s.resize(rng() % n);
        break;
      case 3:  // delete a run
        if (n) {
          size_t at = rng() % n;
          s.erase(at, 1 + rng() % 16);
        }
        break;
      case 4:  // duplicate a run (splice)
        if (n) {
          size_t at = rng() % n;
          s.insert(rng() % n, s.substr(at, 1 + rng() % 32));
        }
        break;
      case 5:  // hostile token at a random place (JSON-aware)
        if (json_aware || n > 8) {
          size_t lo = json_aware ? 0 : 8;
          size_t at = lo + rng() % (n - lo + 1);
          s.insert(at, kTokens[rng() % (sizeof(kTokens) / sizeof(kTokens[0]))]);
        }
        break;
      case 6:  // forge the 8-byte header length (binary) / replace a digit run
        if (!json_aware && n >= 8) {
          uint64_t len = rng() % 3 == 0 ? rng() : rng() % (n + 16);
          for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(len >> (8 * i));
        } else if (n) {
          size_t at = s.find_first_of("0123456789", rng() % n);
          if (at != std::string::npos) s.replace(at, 1, kTokens[rng() % 5]);
        }
        break;
    }
  }
  return s;
}

TEST(ReaderFuzzTest, SafetensorsMutantsNeverCrash) {
  const std::string seed = ValidSafetensors();
  ASSERT_TRUE(SafetensorsFile::FromBytes(seed, "seed").ok());
  std::mt19937_64 rng(20261123);
  int ok = 0, errors = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string m = Mutate(seed, rng, /*json_aware=*/false);
    auto f = SafetensorsFile::FromBytes(m, "mutant.safetensors");
    if (!f.ok()) {
      ++errors;
      ASSERT_FALSE(f.status().message().empty());
      ASSERT_NE(f.status().message().find("mutant.safetensors"), std::string::npos);
      continue;
    }
    ++ok;
    // Every accepted entry lies inside the bytes, and entries do not overlap.
    size_t prev_end = 0;
    for (const auto& e : (*f)->entries()) {
      ASSERT_LE(e.offset + e.nbytes, m.size()) << e.name;
      ASSERT_EQ(e.nbytes, static_cast<size_t>(e.numel()) * StDtypeSize(e.dtype));
      if (e.nbytes) ASSERT_GE(e.offset, prev_end) << e.name;
      if (e.nbytes) prev_end = e.offset + e.nbytes;
    }
  }
  EXPECT_GT(errors, 1000);
  EXPECT_GT(ok, 10) << "some mutants (e.g. in padding or values) stay valid";
}

TEST(ReaderFuzzTest, ConfigMutantsNeverCrash) {
  ASSERT_TRUE(ParseModelConfigText(kConfig, "seed").ok());
  std::mt19937_64 rng(42);
  int ok = 0, errors = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string m = Mutate(kConfig, rng, /*json_aware=*/true);
    auto c = ParseModelConfigText(m, "mutant/config.json");
    if (!c.ok()) {
      ++errors;
      ASSERT_NE(c.status().message().find("mutant/config.json"), std::string::npos);
      continue;
    }
    ++ok;
    ASSERT_GT(c->hidden_size, 0);
    ASSERT_EQ(c->num_attention_heads % c->num_key_value_heads, 0);
    ASSERT_EQ(c->head_dim % 2, 0);
    // Whatever parsed writes back and parses again.
    auto again = ParseModelConfig(ModelConfigToJson(*c), "again");
    ASSERT_TRUE(again.ok()) << again.status().message();
  }
  EXPECT_GT(errors, 1000);
  EXPECT_GT(ok, 100);
}

}  // namespace
}  // namespace rlzero
