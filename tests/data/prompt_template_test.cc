// tests/data/prompt_template_test.cc: template parsing and rendering, and
// the built-in R1-Zero / Countdown prompts. The Countdown golden text is
// TinyZero's prompt with numbers [1, 2, 3] and target 6 written out by hand.
#include "data/prompt_template.h"

#include <gtest/gtest.h>

namespace rlzero::data {
namespace {

TEST(PromptTemplateTest, RendersFieldsAndEscapes) {
  auto t = PromptTemplate::Parse("Q: {question} {{literal}} n={n} x={x} l={l}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t.value().fields(), (std::vector<std::string>{"question", "n", "x", "l"}));
  Json s = {{"question", "2+2?"}, {"n", 42}, {"x", 0.5}, {"l", {1, 2, 3}}};
  auto r = t.value().Render(s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value(), "Q: 2+2? {literal} n=42 x=0.5 l=[1, 2, 3]");
}

TEST(PromptTemplateTest, MissingFieldIsNamed) {
  auto t = PromptTemplate::Parse("{question} {target}");
  auto r = t.value().Render(Json{{"question", "q"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"target\""), std::string::npos);
  auto obj = t.value().Render(Json{{"question", Json::object()}, {"target", 1}});
  EXPECT_FALSE(obj.ok());
}

TEST(PromptTemplateTest, BadTemplatesAreErrors) {
  EXPECT_FALSE(PromptTemplate::Parse("open {question").ok());
  EXPECT_FALSE(PromptTemplate::Parse("close } here").ok());
  EXPECT_FALSE(PromptTemplate::Parse("{bad name}").ok());
  EXPECT_FALSE(PromptTemplate::Parse("{}").ok());
  auto unknown = PromptTemplate::Builtin("nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("r1_zero"), std::string::npos);
}

TEST(PromptTemplateTest, CountdownBuiltinIsTinyZeros) {
  auto t = PromptTemplate::Builtin("countdown");
  ASSERT_TRUE(t.ok());
  auto r = t.value().Render(Json{{"numbers", {1, 2, 3}}, {"target", 6}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(),
            "A conversation between User and Assistant. The user asks a question, and the "
            "Assistant solves it. The assistant first thinks about the reasoning process in the "
            "mind and then provides the user with the answer.\nUser: Using the numbers [1, 2, 3], "
            "create an equation that equals 6. You can use basic arithmetic operations (+, -, *, "
            "/) and each number can only be used once. Show your work in <think> </think> tags. "
            "And return the final answer in <answer> </answer> tags, for example <answer> (1 + 2) "
            "/ 3 </answer>.\nAssistant: Let me solve this step by step.\n<think>");
}

TEST(PromptTemplateTest, R1ZeroBuiltinAsksForThinkAndAnswer) {
  auto t = PromptTemplate::FromNameOrText("r1_zero");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().fields(), (std::vector<std::string>{"question"}));
  auto r = t.value().Render(Json{{"question", "What is 1+1?"}});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r.value().find("<think> reasoning process here </think> <answer> answer here "
                           "</answer>. User: What is 1+1? Assistant:"),
            std::string::npos);
  // Text with a placeholder is taken as a template, not a name.
  EXPECT_EQ(PromptTemplate::FromNameOrText("Q={question}")
                .value()
                .Render(Json{{"question", "x"}})
                .value(),
            "Q=x");
}

TEST(PromptTemplateTest, ConfigReadsTemplate) {
  ConfigReader reader(Json{{"template", "raw"}}, "cfg.yaml");
  auto c = PromptConfig::FromConfig(reader);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().template_name_or_text, "raw");
  EXPECT_TRUE(reader.Finish().ok());
  ConfigReader bad(Json{{"template", "nope"}}, "cfg.yaml");
  EXPECT_FALSE(PromptConfig::FromConfig(bad).ok());
  EXPECT_FALSE(bad.Finish().ok());
}

}  // namespace
}  // namespace rlzero::data
