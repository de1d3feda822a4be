// Format verifier: the R1-Zero template, options and reward-hack traps.
#include "verifiers/format_verifier.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers {
namespace {

VerifyResult Score(const std::string& response, const Json& options = Json(nullptr)) {
  auto v = MakeVerifier("format", options, VerifierEnv{});
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok()) return {};
  auto r = (*v)->Verify(Json{{"response", response}}, Deadline::In(1000));
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : VerifyResult{};
}

TEST(FormatVerifierTest, AcceptsTheTemplate) {
  auto r = Score("<think>2+2 is 4</think>\n<answer> 4 </answer>\n");
  EXPECT_TRUE(r.correct);
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(r.extracted, "4");
  EXPECT_TRUE(Score("  <think>\n</think><answer>x</answer>").correct);
}

TEST(FormatVerifierTest, RejectsBrokenTemplates) {
  EXPECT_FALSE(Score("<answer>4</answer>").correct);                        // no think
  EXPECT_FALSE(Score("<think>a</think>").correct);                          // no answer
  EXPECT_FALSE(Score("<answer>4</answer><think>a</think>").correct);        // order
  EXPECT_FALSE(Score("hello <think>a</think><answer>4</answer>").correct);  // text before
  EXPECT_FALSE(Score("<think>a</think> so <answer>4</answer>").correct);    // text between
  EXPECT_FALSE(Score("<think>a</think><answer>4</answer> more").correct);   // text after
  EXPECT_FALSE(Score("<think>a</think><answer> </answer>").correct);        // empty answer
  // Reward hacks: repeated answers, answer nested in thinking, unclosed tags.
  EXPECT_FALSE(Score("<think>a</think><answer>1</answer><answer>2</answer>").correct);
  EXPECT_FALSE(Score("<think>a<answer>1</answer></think><answer>2</answer>").correct);
  EXPECT_FALSE(Score("<think><think>a</think><answer>1</answer>").correct);
  EXPECT_FALSE(Score("<think>a</think><answer>1").correct);
  EXPECT_EQ(Score("<answer>4</answer>").score, 0.0);
}

TEST(FormatVerifierTest, PartialCreditCountsTagsPresentOnce) {
  Json o = {{"tag_credit", 0.1}};
  EXPECT_DOUBLE_EQ(Score("<think>a</think> x", o).score, 0.2);
  EXPECT_DOUBLE_EQ(Score("<think>a</think><answer>1</answer> trailing", o).score, 0.4);
  EXPECT_DOUBLE_EQ(Score("<think>a</think><answer>1</answer>", o).score, 1.0);
  EXPECT_DOUBLE_EQ(Score("nothing", o).score, 0.0);
}

TEST(FormatVerifierTest, OptionsChangeTagsAndPrefill) {
  Json custom = {{"think_open", "<reasoning>"}, {"think_close", "</reasoning>"}};
  EXPECT_TRUE(Score("<reasoning>r</reasoning><answer>1</answer>", custom).correct);
  EXPECT_FALSE(Score("<think>r</think><answer>1</answer>", custom).correct);
  Json prefilled = {{"think_prefilled", true}};
  EXPECT_TRUE(Score("reasoning</think><answer>1</answer>", prefilled).correct);
  EXPECT_FALSE(Score("<think>r</think><answer>1</answer>", prefilled).correct);
  Json after = {{"allow_text_after_answer", true}};
  EXPECT_TRUE(Score("<think>a</think><answer>4</answer><|endoftext|>", after).correct);
}

TEST(FormatVerifierTest, RejectsBadOptions) {
  EXPECT_FALSE(MakeVerifier("format", Json{{"tag_credit", 0.3}}, VerifierEnv{}).ok());
  EXPECT_FALSE(MakeVerifier("format", Json{{"think_open", ""}}, VerifierEnv{}).ok());
  auto unknown = MakeVerifier("format", Json{{"thinkopen", "x"}}, VerifierEnv{});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("thinkopen"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::verifiers
