// tests/policy/rope_scaling_test.cc: rope_scaling parsing and the YaRN /
// llama3 frequencies against values computed here, in long double, from the
// formulas of the YaRN paper (arXiv 2309.00071) and the Llama 3 rule as the
// transformers docs state them; not from the library's own output.
#include "policy/rope_scaling.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rlzero {
namespace {

using Json = nlohmann::json;
using LD = long double;
constexpr LD kPi = 3.14159265358979323846264338327950288L;

// Dimension d (of D) whose wavelength 2 pi base^(2d/D) fits `rotations` times
// into `length` tokens.
LD CorrectionDim(LD rotations, LD D, LD base, LD length) {
  return D * std::log(length / (rotations * 2 * kPi)) / (2 * std::log(base));
}

LD Mscale(LD scale, LD m) { return scale <= 1 ? 1 : 0.1L * m * std::log(scale) + 1; }

RopeScaling Yarn(const Json& j) {
  auto r = ParseRopeScaling(Json{{"rope_scaling", j}}, "c.json");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.ok() && r->has_value());
  return r.ok() && r->has_value() ? **r : RopeScaling{};
}

// Small case: D = 8 (4 frequencies), base 100, factor 2, original length 64,
// beta_fast 4, beta_slow 1. The correction range is [0.81, 2.02], truncated
// to [0, 3], so the ramp is 0, 1/3, 2/3, 1: one pure extrapolated frequency,
// two blends and one pure interpolated frequency.
TEST(RopeScalingTest, YarnMatchesHandComputedRamp) {
  RopeScaling rs = Yarn({{"rope_type", "yarn"},
                         {"factor", 2.0},
                         {"original_max_position_embeddings", 64},
                         {"beta_fast", 4},
                         {"beta_slow", 1}});
  const LD D = 8, base = 100, factor = 2, L = 64;
  LD low = CorrectionDim(4, D, base, L), high = CorrectionDim(1, D, base, L);
  EXPECT_NEAR(static_cast<double>(low), 0.8118, 1e-3);
  EXPECT_NEAR(static_cast<double>(high), 2.0158, 1e-3);
  low = std::max<LD>(std::floor(low), 0);
  high = std::min<LD>(std::ceil(high), D - 1);
  ASSERT_EQ(low, 0);
  ASSERT_EQ(high, 3);
  RopeFrequencies f = ComputeRopeFrequencies(8, 100.0, /*max_position_embeddings=*/1024, rs);
  ASSERT_EQ(f.inv_freq.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const LD original = 1 / std::pow(base, 2 * i / D);
    const LD ramp = std::clamp<LD>((i - low) / (high - low), 0, 1);
    const LD expect = original * (1 - ramp) + original / factor * ramp;
    EXPECT_NEAR(f.inv_freq[i], static_cast<double>(expect), 1e-15) << i;
  }
  // i = 0 untouched, i = 3 divided by the factor: 1 / (2 * 100^(6/8)).
  EXPECT_NEAR(f.inv_freq[0], 1.0, 1e-15);
  EXPECT_NEAR(f.inv_freq[3], static_cast<double>(1 / (2 * std::pow(100.0L, 0.75L))), 1e-15);
  // No mscale: attention factor 0.1 ln(2) + 1.
  EXPECT_NEAR(f.attention_factor, static_cast<double>(Mscale(2, 1)), 1e-15);

  // Without truncation the ramp runs over the fractional range.
  rs.truncate = false;
  f = ComputeRopeFrequencies(8, 100.0, 1024, rs);
  const LD lo = CorrectionDim(4, D, base, L), hi = CorrectionDim(1, D, base, L);
  for (int i = 0; i < 4; ++i) {
    const LD original = 1 / std::pow(base, 2 * i / D);
    const LD ramp = std::clamp<LD>((i - lo) / (hi - lo), 0, 1);
    EXPECT_NEAR(f.inv_freq[i], static_cast<double>(original * (1 - ramp) + original / 2 * ramp),
                1e-15)
        << i;
  }
}

TEST(RopeScalingTest, YarnDefaultsAndAttentionFactor) {
  // No original length: the correction range uses max_position_embeddings;
  // betas default to 32 / 1.
  RopeScaling rs = Yarn({{"type", "yarn"}, {"factor", 4.0}});
  EXPECT_EQ(rs.beta_fast, 32.0);
  EXPECT_EQ(rs.beta_slow, 1.0);
  const LD D = 16, base = 10000, L = 2048;
  RopeFrequencies f = ComputeRopeFrequencies(16, 10000.0, 2048, rs);
  const LD low = std::max<LD>(std::floor(CorrectionDim(32, D, base, L)), 0);
  const LD high = std::min<LD>(std::ceil(CorrectionDim(1, D, base, L)), D - 1);
  for (int i = 0; i < 8; ++i) {
    const LD original = 1 / std::pow(base, 2 * i / D);
    const LD ramp = std::clamp<LD>((i - low) / (high - low), 0, 1);
    EXPECT_NEAR(f.inv_freq[i] / static_cast<double>(original * (1 - ramp) + original / 4 * ramp),
                1.0, 1e-14)
        << i;
  }
  // DeepSeek-V3's setting: mscale and mscale_all_dim both set.
  rs = Yarn({{"rope_type", "yarn"},
             {"factor", 40},
             {"original_max_position_embeddings", 4096},
             {"mscale", 1.0},
             {"mscale_all_dim", 0.5}});
  f = ComputeRopeFrequencies(64, 10000.0, 163840, rs);
  EXPECT_NEAR(f.attention_factor, static_cast<double>(Mscale(40, 1) / Mscale(40, 0.5)), 1e-15);
  // An explicit attention_factor wins.
  rs = Yarn({{"rope_type", "yarn"}, {"factor", 40}, {"attention_factor", 1.25}, {"mscale", 1.0}});
  EXPECT_EQ(ComputeRopeFrequencies(64, 10000.0, 4096, rs).attention_factor, 1.25);
  EXPECT_EQ(YarnGetMscale(1.0, 3.0), 1.0);
  EXPECT_NEAR(YarnGetMscale(40, 0.5), static_cast<double>(Mscale(40, 0.5)), 1e-15);
}

TEST(RopeScalingTest, Llama3MatchesPiecewiseRule) {
  auto r = ParseRopeScaling(Json::parse(R"({"rope_scaling": {"rope_type": "llama3",
      "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
      "original_max_position_embeddings": 8192}})"),
                            "c.json");
  ASSERT_TRUE(r.ok() && r->has_value());
  RopeFrequencies f = ComputeRopeFrequencies(128, 500000.0, 131072, *r);
  EXPECT_EQ(f.attention_factor, 1.0);
  for (int i = 0; i < 64; ++i) {
    const LD inv = 1 / std::pow(500000.0L, (LD)(2 * i) / 128);
    const LD wavelen = 2 * kPi / inv;
    LD expect = inv;
    if (wavelen > 8192) {
      expect = inv / 8;
    } else if (wavelen >= 8192.0L / 4) {
      const LD smooth = (8192 / wavelen - 1) / 3;
      expect = (1 - smooth) * inv / 8 + smooth * inv;
    }
    EXPECT_NEAR(f.inv_freq[i] / static_cast<double>(expect), 1.0, 1e-14) << i;
  }
}

TEST(RopeScalingTest, RoundTripsAndRejectsWhatItCannotRun) {
  Json yarn = {
      {"rope_type", "yarn"},  {"factor", 40.0},   {"original_max_position_embeddings", 4096},
      {"beta_fast", 32.0},    {"beta_slow", 1.0}, {"mscale", 1.0},
      {"mscale_all_dim", 1.0}};
  auto r = ParseRopeScaling(Json{{"rope_scaling", yarn}}, "c.json");
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ(RopeScalingToJson(*r), yarn);
  EXPECT_TRUE(RopeScalingToJson(std::nullopt).is_null());
  for (const Json& none : {Json::object(), Json{{"rope_scaling", nullptr}},
                           Json{{"rope_scaling", {{"rope_type", "default"}}}}}) {
    auto n = ParseRopeScaling(none, "c.json");
    ASSERT_TRUE(n.ok());
    EXPECT_FALSE(n->has_value());
  }
  struct Case {
    Json value;
    const char* mention;
  };
  for (const Case& c : std::vector<Case>{
           {{{"rope_type", "dynamic"}, {"factor", 2.0}},
            "rope_scaling: rope_type 'dynamic' is not supported (supported: llama3, yarn)"},
           {{{"type", "su"}}, "rope_type 'su'"},
           {{{"factor", 2.0}}, "rope_type '' is not supported"},
           {{{"rope_type", "yarn"}}, "missing field factor"},
           {{{"rope_type", "yarn"}, {"factor", -1.0}}, "factor must be > 0"},
           {{{"rope_type", "yarn"}, {"factor", 2.0}, {"beta_fast", "x"}}, "beta_fast"},
           {{{"rope_type", "yarn"}, {"factor", 2.0}, {"truncate", 1}}, "truncate"},
           {{{"rope_type", 3}}, "rope_type must be a string"},
           {Json::array(), "must be an object or null"},
       }) {
    auto bad = ParseRopeScaling(Json{{"rope_scaling", c.value}}, "m/config.json");
    ASSERT_FALSE(bad.ok()) << c.value.dump();
    EXPECT_NE(bad.status().message().find("m/config.json: rope_scaling"), std::string::npos);
    EXPECT_NE(bad.status().message().find(c.mention), std::string::npos) << bad.status().message();
  }
}

}  // namespace
}  // namespace rlzero
