#include "base/config.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

struct Optim {
  double lr = 1e-3;
  int warmup_steps = 10;
  std::string schedule = "cosine";
};

Optim ReadOptim(ConfigReader r) {
  Optim o;
  r.Get("lr", &o.lr);
  r.Get("warmup_steps", &o.warmup_steps);
  r.Get("schedule", &o.schedule);
  return o;
}

TEST(ConfigTest, YamlScalarsBecomeTypedJson) {
  auto j = ParseYaml("a: 1\nb: 2.5\nc: true\nd: hello\ne: '7'\nf: [1, 2]\ng: ~\nh: 1e-5\n", "t");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"], 1);
  EXPECT_DOUBLE_EQ((*j)["b"].get<double>(), 2.5);
  EXPECT_EQ((*j)["c"], true);
  EXPECT_EQ((*j)["d"], "hello");
  EXPECT_EQ((*j)["e"], "7");
  EXPECT_EQ((*j)["f"], Json::array({1, 2}));
  EXPECT_TRUE((*j)["g"].is_null());
  EXPECT_DOUBLE_EQ((*j)["h"].get<double>(), 1e-5);
}

TEST(ConfigTest, JsonIsAcceptedToo) {
  auto j = ParseYaml(R"({"a": {"b": [1, "x"]}})", "t");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["a"]["b"][1], "x");
}

TEST(ConfigTest, SyntaxErrorNamesSourceAndLine) {
  auto j = ParseYaml("a: 1\nb: [1, 2\n", "recipe.yaml");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("recipe.yaml: line"), std::string::npos);
}

TEST(ConfigTest, OverridesSetNestedKeysWithTypedValues) {
  Json root = Json::object();
  ASSERT_TRUE(ApplyOverride(&root, "optim.lr=2e-4").ok());
  ASSERT_TRUE(ApplyOverride(&root, "optim.schedule=constant").ok());
  ASSERT_TRUE(ApplyOverride(&root, "list=[1,2,3]").ok());
  EXPECT_DOUBLE_EQ(root["optim"]["lr"].get<double>(), 2e-4);
  EXPECT_EQ(root["optim"]["schedule"], "constant");
  EXPECT_EQ(root["list"].size(), 3u);
  EXPECT_FALSE(ApplyOverride(&root, "novalue").ok());
  EXPECT_FALSE(ApplyOverride(&root, "a..b=1").ok());
  EXPECT_FALSE(ApplyOverride(&root, "optim.lr.x=1").ok());
}

TEST(ConfigTest, ReaderFillsDefaultsAndResolves) {
  ConfigReader r(Json{{"optim", {{"lr", 0.5}}}}, "c.yaml");
  Optim o = ReadOptim(r.Section("optim"));
  EXPECT_DOUBLE_EQ(o.lr, 0.5);
  EXPECT_EQ(o.warmup_steps, 10);
  EXPECT_TRUE(r.Finish().ok()) << r.Finish().ToString();
  EXPECT_EQ(r.Resolved()["optim"]["warmup_steps"], 10);
  EXPECT_EQ(r.Resolved()["optim"]["schedule"], "cosine");
}

TEST(ConfigTest, UnknownKeysAreErrorsNamingKeyAndFile) {
  ConfigReader r(Json{{"optim", {{"lr", 0.5}, {"lrr", 1}}}, {"bogus", 1}}, "c.yaml");
  ReadOptim(r.Section("optim"));
  Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("c.yaml: unknown key 'optim.lrr'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("c.yaml: unknown key 'bogus'"), std::string::npos) << s.message();
}

TEST(ConfigTest, UnknownOverrideKeyIsReportedAsSet) {
  Json root = Json::object();
  ASSERT_TRUE(ApplyOverride(&root, "optim.bogus=3").ok());
  ConfigReader r(root, "c.yaml", {"optim.bogus"});
  ReadOptim(r.Section("optim"));
  Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--set unknown key 'optim.bogus'"), std::string::npos) << s.message();
}

TEST(ConfigTest, TypeErrorsAreReported) {
  ConfigReader r(Json{{"optim", {{"lr", "fast"}}}}, "c.yaml");
  ReadOptim(r.Section("optim"));
  Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("c.yaml: optim.lr: wrong type"), std::string::npos) << s.message();
}

TEST(ConfigTest, ListItemsAreCheckedForUnknownKeys) {
  ConfigReader r(Json{{"rewards", Json::array({{{"name", "format"}, {"wieght", 1}}})}}, "c.yaml");
  Json items = r.GetJson("rewards");
  std::string name;
  double weight = 1.0;
  ConfigReader item = r.ReaderFor(items[0], "rewards[0]");
  item.Get("name", &name);
  item.Get("weight", &weight);
  Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unknown key 'rewards[0].wieght'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace rlzero
