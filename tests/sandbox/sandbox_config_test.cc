// tests/sandbox/sandbox_config_test.cc: SandboxConfig defaults, reading and
// validation (unknown keys and bad values are errors naming the key).
#include "sandbox/sandbox_config.h"

#include <gtest/gtest.h>

namespace rlzero::sandbox {
namespace {

StatusOr<SandboxConfig> Load(const std::string& yaml) {
  auto tree = ParseYaml(yaml, "test.yaml");
  if (!tree.ok()) return tree.status();
  ConfigReader root(*tree, "test.yaml");
  ConfigReader section = root.Section("sandbox");
  SandboxConfig c = SandboxConfig::FromConfig(section);
  Status st = root.Finish();
  if (!st.ok()) return st;
  return c;
}

TEST(SandboxConfigTest, DefaultsUseSystemPythonAndGpp) {
  SandboxConfig c;
  ASSERT_TRUE(c.Validate().ok());
  ASSERT_EQ(c.languages.count("python"), 1u);
  EXPECT_EQ(c.languages["python"].run.front(), "/usr/bin/python3");
  ASSERT_EQ(c.languages.count("cpp"), 1u);
  EXPECT_EQ(c.languages["cpp"].compile.front(), "/usr/bin/g++");
  EXPECT_EQ(c.isolation, "namespaces");
  EXPECT_EQ(c.outside_uid, 65534);
}

TEST(SandboxConfigTest, ReadsOverridesAndAddsLanguages) {
  auto c = Load(
      "sandbox:\n  max_concurrency: 4\n  tmpfs_size_mb: 8\n  languages:\n"
      "    sh: {source_name: main.sh, run: [/bin/sh, '{source}']}\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_concurrency, 4);
  EXPECT_EQ(c->tmpfs_size_mb, 8);
  ASSERT_EQ(c->languages.count("sh"), 1u);
  EXPECT_EQ(c->languages["sh"].run[1], "{source}");
  EXPECT_EQ(c->languages.count("python"), 1u);  // defaults kept
}

TEST(SandboxConfigTest, UnknownKeyIsAnError) {
  auto c = Load("sandbox:\n  max_concurency: 4\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("sandbox.max_concurency"), std::string::npos);
}

TEST(SandboxConfigTest, UnknownLanguageKeyIsAnError) {
  auto c = Load("sandbox:\n  languages:\n    python: {runn: [x]}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("runn"), std::string::npos);
}

TEST(SandboxConfigTest, RejectsBadValues) {
  EXPECT_FALSE(Load("sandbox:\n  isolation: none\n").ok());
  EXPECT_FALSE(Load("sandbox:\n  outside_uid: 0\n").ok());
  EXPECT_FALSE(Load("sandbox:\n  max_concurrency: 0\n").ok());
  EXPECT_FALSE(Load("sandbox:\n  ro_binds: [relative/path]\n").ok());
  EXPECT_FALSE(Load("sandbox:\n  languages:\n    x: {source_name: a/b, run: [y]}\n").ok());
  EXPECT_FALSE(Load("sandbox:\n  cgroup: maybe\n").ok());
}

}  // namespace
}  // namespace rlzero::sandbox
