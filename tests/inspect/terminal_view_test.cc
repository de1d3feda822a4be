// tests/inspect/terminal_view_test.cc: sanitising hostile text for terminals,
// UTF-8-safe excerpts, the log-prob/advantage colour buckets, and the views'
// layout on hand-built rollouts.
#include "inspect/terminal_view.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/inspect/test_run_dir.h"

namespace rlzero::inspect {
namespace {

TEST(SanitizeForTerminalTest, EscapesControlBytesAndKeepsText) {
  EXPECT_EQ(SanitizeForTerminal("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(SanitizeForTerminal("tab\tnl\ncr\r"), "tab\tnl\ncr\\x0d");
  EXPECT_EQ(SanitizeForTerminal(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  EXPECT_EQ(SanitizeForTerminal("bell\a"), "bell\\x07");
  // UTF-8-encoded C1 CSI (U+009B) and a stray 0x9b byte.
  EXPECT_EQ(SanitizeForTerminal("x\xc2\x9b"
                                "31m"),
            "x\\u009b31m");
  EXPECT_EQ(SanitizeForTerminal("x\x9b"
                                "31m"),
            "x\\x9b31m");
  // Multi-byte text whose continuation bytes fall in 0x80..0x9f survives:
  // "é" C3 A9, "€" E2 82 AC, "😀" F0 9F 98 80, "中" E4 B8 AD.
  const std::string text = "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad";
  EXPECT_EQ(SanitizeForTerminal(text), text);
}

TEST(ExcerptTest, FlattensNewlinesAndCutsOnCodePoints) {
  EXPECT_EQ(Excerpt("a\nb", 10),
            "a\xe2\x8f\x8e"
            "b");
  EXPECT_EQ(Excerpt("abcdef", 3), "abc\xe2\x80\xa6");
  // 3 code points of "€€€€" (3 bytes each), then the ellipsis.
  EXPECT_EQ(Excerpt("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 3),
            "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x80\xa6");
  EXPECT_EQ(Excerpt("short", 80), "short");
  EXPECT_EQ(Excerpt("\x1b[31m", 80), "\\x1b[31m");
}

TEST(TokenColorTest, LogprobBucketsFollowTheDocumentedThresholds) {
  auto lp = [](double p) { return static_cast<float>(std::log(p)); };
  EXPECT_EQ(TokenColor(ColorBy::kLogprob, lp(0.9), 0), "");
  EXPECT_EQ(TokenColor(ColorBy::kLogprob, lp(0.6), 0), "\x1b[33m");
  EXPECT_EQ(TokenColor(ColorBy::kLogprob, lp(0.3), 0), "\x1b[38;5;208m");
  EXPECT_EQ(TokenColor(ColorBy::kLogprob, lp(0.1), 0), "\x1b[31m");
  EXPECT_EQ(TokenColor(ColorBy::kLogprob, lp(0.01), 0), "\x1b[1m\x1b[31m");
  EXPECT_EQ(TokenColor(ColorBy::kLogprob, -INFINITY, 0), "\x1b[1m\x1b[31m");
  EXPECT_EQ(TokenColor(ColorBy::kAdvantage, 0, 0.5), "\x1b[32m");
  EXPECT_EQ(TokenColor(ColorBy::kAdvantage, 0, -1.5), "\x1b[1m\x1b[31m");
  EXPECT_EQ(TokenColor(ColorBy::kAdvantage, 0, 0.0), "");
}

TEST(TerminalViewTest, ListGroupsByStepAndPromptWithGroupStats) {
  std::vector<RolloutRecord> rows = {testing::MakeRollout(1, "a", 0, 1.0, true),
                                     testing::MakeRollout(1, "a", 1, 0.0, false),
                                     testing::MakeRollout(2, "b", 0, 0.5, false)};
  rows[0].id = 1;
  rows[1].id = 2;
  rows[2].id = 3;
  std::string out = FormatRolloutList(rows, /*color=*/false);
  EXPECT_EQ(out.find("step 1\n"), 0u);
  EXPECT_NE(out.find("  prompt a  (2 samples, mean reward 0.500, 1 correct)"), std::string::npos)
      << out;
  EXPECT_NE(out.find("step 2\n"), std::string::npos);
  EXPECT_NE(out.find("  #3 "), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(FormatRolloutList({}, false), "(no rollouts match)\n");
}

TEST(TerminalViewTest, DetailColoursEachTokenOnlyWhenAsked) {
  RolloutRecord r = testing::MakeRollout(1, "a", 0, 1.0, true);
  r.token_logprobs = {std::log(0.9f), std::log(0.6f), std::log(0.01f)};
  std::string plain = FormatRolloutDetail(r, false, ColorBy::kLogprob);
  EXPECT_NE(plain.find("\n0 says hello\n"), std::string::npos) << plain;
  EXPECT_NE(plain.find("reward 1.000 (correctness 1.000, format 0.000)  advantage +0.500"),
            std::string::npos);
  std::string color = FormatRolloutDetail(r, true, ColorBy::kLogprob);
  EXPECT_NE(color.find("0\x1b[33m says\x1b[0m\x1b[1m\x1b[31m hello\x1b[0m"), std::string::npos);
}

TEST(TerminalViewTest, SummaryTableShowsComponentsAndPicksMetricColumns) {
  StepSummary s;
  s.step = 7;
  s.rollouts = 8;
  s.prompts = 2;
  s.reward_mean = 0.5;
  s.reward_std = 0.25;
  s.accuracy = 0.375;
  s.tokens_mean = 12;
  s.component_means = {{"format", 0.125}};
  MetricsRow m;
  m.step = 7;
  m.values = {{"policy/kl", 0.0123}, {"lr", 1e-6}};
  std::string out = FormatSummaryTable({s}, {m});
  EXPECT_NE(out.find("format"), std::string::npos);
  EXPECT_NE(out.find("policy/kl"), std::string::npos);
  EXPECT_EQ(out.find("lr"), std::string::npos);  // not one of the picked metrics
  EXPECT_NE(out.find("0.500±0.250"), std::string::npos) << out;
  EXPECT_NE(out.find("0.375"), std::string::npos);
  EXPECT_NE(out.find("0.0123"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::inspect
