// The model-judge verifier without a model: the prompt template, verdict
// parsing (hand-checked cases, hostile judge output) and the verifier over a
// fake JudgeModel that returns canned text or fails.
#include "verifiers/judge_verifier.h"

#include <gtest/gtest.h>

#include <mutex>

namespace rlzero::verifiers {
namespace {

TEST(JudgePromptTemplateTest, SubstitutesAndSkipsEmptySections) {
  auto t = JudgePromptTemplate::Parse(
      "R={{rubric}} Q={{question}}{{#reference}} Ref={{reference}}{{/reference}}"
      "{{^reference}} (no ref){{/reference}} A={{response}} \\boxed{}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->Render({"be right", "1+1?", "2", "two"}), "R=be right Q=1+1? Ref=2 A=two \\boxed{}");
  EXPECT_EQ(t->Render({"be right", "1+1?", "", "two"}),
            "R=be right Q=1+1? (no ref) A=two \\boxed{}");
}

TEST(JudgePromptTemplateTest, ValuesAreNotRescanned) {
  auto t = JudgePromptTemplate::Parse("[{{response}}] {{rubric}}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->Render({"secret", "", "", "{{rubric}}{{#question}}"}),
            "[{{rubric}}{{#question}}] secret");
}

TEST(JudgePromptTemplateTest, RejectsBadTemplates) {
  EXPECT_FALSE(JudgePromptTemplate::Parse("{{answer}}").ok());
  EXPECT_FALSE(JudgePromptTemplate::Parse("{{response").ok());
  EXPECT_FALSE(JudgePromptTemplate::Parse("{{#reference}}x").ok());
  EXPECT_FALSE(JudgePromptTemplate::Parse("x{{/reference}}").ok());
  EXPECT_FALSE(JudgePromptTemplate::Parse("{{#reference}}{{#question}}{{/question}}").ok());
  EXPECT_FALSE(JudgePromptTemplate::Parse("{{#reference}}{{/question}}").ok());
  EXPECT_TRUE(JudgePromptTemplate::Parse(JudgePromptTemplate::DefaultText()).ok());
}

Verdict Parse(const std::string& text, VerdictFormat::Kind kind, double lo = 0, double hi = 10) {
  VerdictFormat f;
  f.kind = kind;
  f.score_min = lo;
  f.score_max = hi;
  return ParseVerdict(text, f);
}

TEST(JudgeVerdictTest, YesNo) {
  auto v = Parse("thinking... <verdict> YES </verdict>", VerdictFormat::kYesNo);
  EXPECT_TRUE(v.parsed);
  EXPECT_EQ(v.score, 1.0);
  v = Parse("<verdict>yes</verdict> on second thought <verdict>no</verdict>",
            VerdictFormat::kYesNo);
  EXPECT_TRUE(v.parsed);
  EXPECT_EQ(v.score, 0.0);
  v = Parse("<verdict>yes</verdict> then <verdict>maybe</verdict>", VerdictFormat::kYesNo);
  EXPECT_FALSE(v.parsed);  // the last verdict counts, even when malformed
  EXPECT_NE(v.reason.find("maybe"), std::string::npos);
  EXPECT_FALSE(Parse("yes", VerdictFormat::kYesNo).parsed);
  EXPECT_FALSE(Parse("<verdict>yes", VerdictFormat::kYesNo).parsed);
}

TEST(JudgeVerdictTest, Boxed) {
  auto v = Parse("so \\boxed{3} no wait \\boxed{7}", VerdictFormat::kBoxed);
  EXPECT_TRUE(v.parsed);
  EXPECT_DOUBLE_EQ(v.score, 0.7);
  EXPECT_EQ(v.extracted, "7");
  v = Parse("\\boxed{ 2.5 }", VerdictFormat::kBoxed, 1, 5);
  EXPECT_TRUE(v.parsed);
  EXPECT_DOUBLE_EQ(v.score, 0.375);
  EXPECT_FALSE(Parse("\\boxed{11}", VerdictFormat::kBoxed).parsed);   // above score_max
  EXPECT_FALSE(Parse("\\boxed{-1}", VerdictFormat::kBoxed).parsed);   // below score_min
  EXPECT_FALSE(Parse("\\boxed{1e9}", VerdictFormat::kBoxed).parsed);  // not plain decimal
  EXPECT_FALSE(Parse("\\boxed{nan}", VerdictFormat::kBoxed).parsed);
  EXPECT_FALSE(Parse("\\boxed{{7}}", VerdictFormat::kBoxed).parsed);
  EXPECT_FALSE(Parse("\\boxed{7", VerdictFormat::kBoxed).parsed);
  EXPECT_FALSE(Parse("\\boxed{1234567890}", VerdictFormat::kBoxed, 0, 1e10).parsed);
  EXPECT_FALSE(Parse("no box", VerdictFormat::kBoxed).parsed);
}

TEST(JudgeVerdictTest, ScoreLine) {
  auto v = Parse("Analysis: the score should be high.\n**Score:** 8.", VerdictFormat::kScore);
  EXPECT_TRUE(v.parsed);
  EXPECT_DOUBLE_EQ(v.score, 0.8);
  v = Parse("score: 10\nFinal SCORE : 4", VerdictFormat::kScore);
  EXPECT_TRUE(v.parsed);
  EXPECT_DOUBLE_EQ(v.score, 0.4);
  EXPECT_FALSE(Parse("Score: high", VerdictFormat::kScore).parsed);
  EXPECT_FALSE(Parse("Score:", VerdictFormat::kScore).parsed);
  EXPECT_FALSE(Parse("no verdict at all", VerdictFormat::kScore).parsed);
}

TEST(JudgeVerdictTest, HostileTextIsBoundedAndSafe) {
  std::string big(1 << 20, '{');
  for (auto kind : {VerdictFormat::kYesNo, VerdictFormat::kBoxed, VerdictFormat::kScore}) {
    EXPECT_FALSE(Parse("\\boxed{" + big, kind).parsed);
    EXPECT_FALSE(Parse(std::string("Score:\0\xff", 8) + big, kind).parsed);
  }
  auto v = Parse("<verdict>" + std::string(1 << 16, 'y') + "</verdict>", VerdictFormat::kYesNo);
  EXPECT_FALSE(v.parsed);
  EXPECT_LE(v.extracted.size(), 64u);
}

class FakeJudge : public JudgeModel {
 public:
  explicit FakeJudge(StatusOr<std::string> reply) : reply_(std::move(reply)) {}
  StatusOr<std::string> Generate(const JudgeRequest& request, const Deadline&) const override {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = request;
    ++calls_;
    return reply_;
  }
  JudgeRequest last() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  int calls() const { return calls_; }

 private:
  StatusOr<std::string> reply_;
  mutable std::mutex mu_;
  mutable JudgeRequest last_;
  mutable int calls_ = 0;
};

JudgeOptions Options(const Json& j) {
  ConfigReader r(j, "test");
  auto o = JudgeOptions::FromConfig(r);
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(r.Finish().ok()) << r.Finish().ToString();
  return *o;
}

TEST(JudgeVerifierTest, BuildsThePromptAndScoresTheVerdict) {
  auto judge = std::make_shared<FakeJudge>(std::string("Correct. Score: 9"));
  JudgeVerifier v(Options({{"template", "{{rubric}}|{{question}}|{{reference}}|{{response}}"},
                           {"rubric", "R"},
                           {"verdict", "score"},
                           {"temperature", 0.7},
                           {"max_new_tokens", 64},
                           {"stop", {"</s>"}}}),
                  judge);
  auto r =
      v.Verify(Json{{"response", "four"}, {"question", "2+2?"}, {"answer", 4}}, Deadline::In(1000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->correct);
  EXPECT_DOUBLE_EQ(r->score, 0.9);
  EXPECT_EQ(r->extracted, "9");
  JudgeRequest sent = judge->last();
  EXPECT_EQ(sent.prompt, "R|2+2?|4|four");
  EXPECT_EQ(sent.temperature, 0.7);
  EXPECT_EQ(sent.max_new_tokens, 64);
  EXPECT_EQ(sent.stop, std::vector<std::string>{"</s>"});
}

TEST(JudgeVerifierTest, DefaultTemplateOmitsAMissingReference) {
  auto judge = std::make_shared<FakeJudge>(std::string("<verdict>no</verdict>"));
  JudgeVerifier v(Options(Json::object()), judge);
  auto p = v.BuildPrompt(Json{{"response", "RESP"}, {"question", "QUEST"}});
  ASSERT_TRUE(p.ok());
  EXPECT_NE(p->find("Question:\nQUEST"), std::string::npos);
  EXPECT_NE(p->find("Response:\nRESP"), std::string::npos);
  EXPECT_EQ(p->find("Reference"), std::string::npos);
  auto r = v.Verify(Json{{"response", "RESP"}}, Deadline::In(1000));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->correct);
  EXPECT_EQ(r->score, 0.0);
  EXPECT_FALSE(r->reason.empty());
}

TEST(JudgeVerifierTest, UnparseableVerdictScoresZeroWithAReason) {
  auto judge = std::make_shared<FakeJudge>(std::string("I think it is fine."));
  JudgeVerifier v(Options(Json::object()), judge);
  auto r = v.Verify(Json{{"response", "x"}}, Deadline::In(1000));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->correct);
  EXPECT_EQ(r->score, 0.0);
  EXPECT_NE(r->reason.find("<verdict>"), std::string::npos);
}

TEST(JudgeVerifierTest, JudgeFailureIsAnErrorNotAWrongAnswer) {
  auto judge = std::make_shared<FakeJudge>(Unavailable("connection refused"));
  JudgeVerifier v(Options(Json::object()), judge);
  auto r = v.Verify(Json{{"response", "x"}}, Deadline::In(1000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("connection refused"), std::string::npos);
}

TEST(JudgeVerifierTest, OverlongResponseScoresZeroWithoutACall) {
  auto judge = std::make_shared<FakeJudge>(std::string("<verdict>yes</verdict>"));
  JudgeVerifier v(Options({{"max_response_chars", 10}}), judge);
  auto r = v.Verify(Json{{"response", std::string(11, 'a')}}, Deadline::In(1000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->score, 0.0);
  EXPECT_EQ(judge->calls(), 0);
  EXPECT_FALSE(v.Verify(Json{{"response", 3}}, Deadline::In(1000)).ok());
}

TEST(JudgeVerifierTest, RegistryNeedsATransportAndChecksOptions) {
  auto no_transport = MakeVerifier("judge", Json(nullptr), VerifierEnv{});
  ASSERT_FALSE(no_transport.ok());
  EXPECT_EQ(no_transport.status().code(), StatusCode::kFailedPrecondition);
  VerifierEnv env;
  env.connect_judge = [](ConfigReader& options) -> StatusOr<std::shared_ptr<JudgeModel>> {
    std::string address;
    options.Get("address", &address);
    return std::shared_ptr<JudgeModel>(new FakeJudge(std::string("\\boxed{1}")));
  };
  EXPECT_TRUE(MakeVerifier("judge", Json{{"address", "x"}, {"verdict", "boxed"}}, env).ok());
  EXPECT_FALSE(MakeVerifier("judge", Json{{"verdict", "maybe"}}, env).ok());
  EXPECT_FALSE(MakeVerifier("judge", Json{{"score_min", 5}, {"score_max", 5}}, env).ok());
  EXPECT_FALSE(MakeVerifier("judge", Json{{"template", "{{nope}}"}}, env).ok());
  EXPECT_FALSE(MakeVerifier("judge", Json{{"adress", "typo"}}, env).ok());  // unknown key
}

}  // namespace
}  // namespace rlzero::verifiers
