// `rlzero verify` and `rlzero verifier-server` end to end as real processes:
// the output contract (one JSON line per input line, same order), errors,
// plugins by flag and by config, and scoring through a running server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <vector>

#include "base/config.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

using testing::BinPath;
using testing::RunCommand;

std::vector<Json> Lines(const std::string& out) {
  std::vector<Json> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) v.push_back(Json::parse(line));
  return v;
}

const char* kCountdown =
    "{\"response\": \"<think>t</think><answer>(1+2)*3</answer>\", \"numbers\": [1,2,3], "
    "\"target\": 9}\n"
    "not json\n"
    "{\"response\": \"<answer>1+2+3</answer>\", \"numbers\": [1,2,3], \"target\": 9}\n"
    "{\"response\": \"<answer>1</answer>\"}\n";

TEST(VerifyCliTest, OneLineOutPerLineInSameOrder) {
  auto r = RunCommand(BinPath("rlzero") + " verify --task countdown --input -", kCountdown);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0]["correct"], true);
  EXPECT_EQ(lines[0]["score"], 1.0);
  EXPECT_EQ(lines[0]["extracted"], "(1+2)*3");
  EXPECT_FALSE(lines[0].contains("reason"));
  EXPECT_EQ(lines[1]["correct"], false);
  EXPECT_TRUE(lines[1].contains("error"));
  EXPECT_EQ(lines[2]["correct"], false);
  EXPECT_EQ(lines[2]["extracted"], "1+2+3");
  EXPECT_NE(lines[2]["reason"].get<std::string>().find("evaluates to 6"), std::string::npos);
  EXPECT_NE(lines[3]["error"].get<std::string>().find("numbers"), std::string::npos);
  // Small batches give the same answers.
  auto b = RunCommand(BinPath("rlzero") + " verify --task countdown --input - --batch-size 1",
                      kCountdown);
  EXPECT_EQ(b.out, r.out);
  auto t =
      RunCommand(BinPath("rlzero") + " verify --task countdown --input - --threads 3", kCountdown);
  EXPECT_EQ(t.out, r.out);
}

TEST(VerifyCliTest, ReadsAFileAndTakesOptions) {
  std::string path = ::testing::TempDir() + "/verify_in.jsonl";
  RunCommand("cat > " + path, "{\"response\": \"<answer>4</answer>\"}\n");
  auto r = RunCommand(BinPath("rlzero") + " verify --task format --input " + path +
                      " --set options.tag_credit=0.1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_DOUBLE_EQ(lines[0]["score"].get<double>(), 0.2);
}

TEST(VerifyCliTest, SetupErrorsExitNonZeroAndName) {
  auto r = RunCommand(BinPath("rlzero") + " verify --task nope --input -", "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown verifier 'nope'"), std::string::npos) << r.err;
  r = RunCommand(BinPath("rlzero") + " verify --task countdown --input /nonexistent.jsonl");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent.jsonl"), std::string::npos);
  r = RunCommand(BinPath("rlzero") + " verify --task format --input - --set options.bogus=1", "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << r.err;
  r = RunCommand(BinPath("rlzero") + " verify --task countdown --input - --no-such-flag", "");
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand(BinPath("rlzero") + " verify --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--plugin-exec"), std::string::npos);
}

std::string ExecPluginCmd() {
  return "python3 " RLZERO_SOURCE_DIR "/examples/plugins/exec_plugin.py";
}

TEST(VerifyCliTest, ExecPluginByFlagAndByConfig) {
  auto r = RunCommand(BinPath("rlzero") + " verify --task brevity --plugin-exec '" +
                          ExecPluginCmd() + "' --input -",
                      "{\"response\": \"a b c d\"}\n{\"response\": \"\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_DOUBLE_EQ(lines[0]["score"].get<double>(), 0.96);
  EXPECT_DOUBLE_EQ(lines[1]["score"].get<double>(), 1.0);
  std::string cfg = ::testing::TempDir() + "/verify_plugins.yaml";
  RunCommand("cat > " + cfg, "plugins:\n  - {name: short, exec: '" + ExecPluginCmd() +
                                 "', options: {max_words: 2}}\n");
  r = RunCommand(BinPath("rlzero") + " verify --task short --config " + cfg + " --input -",
                 "{\"response\": \"a\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_DOUBLE_EQ(Lines(r.out)[0]["score"].get<double>(), 0.5);
}

TEST(VerifierServerCliTest, ServesBuiltinsAndConfiguredVerifiers) {
  // A directory of this process's own, and no vs.out before the server
  // writes one: a stale file (an earlier run's, or another process's) would
  // be read as this server's address before the shell truncates it.
  std::string dir = ::testing::TempDir() + "/vs_" + std::to_string(getpid());
  RunCommand("rm -rf " + dir + " && mkdir -p " + dir);
  RunCommand("cat > " + dir + "/vs.yaml",
             "verifiers:\n  - {name: len100, verifier: length, options: {max_length: 100, "
             "cache_length: 20}}\n");
  std::string script =
      "B=" + BinPath("rlzero") + "; D=" + dir +
      "; echo vs-token > $D/vs.tok; "
      "$B verifier-server --listen 127.0.0.1:0 --auth-token-file $D/vs.tok --config $D/vs.yaml"
      " > $D/vs.out & P=$!; "
      "for i in $(seq 100); do [ -s $D/vs.out ] && break; sleep 0.1; done; "
      "A=$(sed -E 's/.*\"listening\":\"([^\"]+)\".*/\\1/' $D/vs.out); "
      "printf '%s\\n' "
      "'{\"response\":\"<answer>(1+2)*3</answer>\",\"numbers\":[1,2,3],\"target\":9}' "
      "| $B verify --task countdown --plugin-grpc $A --auth-token-file $D/vs.tok --input -; "
      "printf '%s\\n' '{\"response\":\"x\",\"response_tokens\":90}' "
      "| $B verify --task len100 --plugin-grpc $A --auth-token-file $D/vs.tok --input -; "
      "printf '%s\\n' '{}' | $B verify --task nope --plugin-grpc $A --auth-token-file $D/vs.tok "
      "--input -; "
      "printf '%s\\n' '{\"response\":\"x\"}' | $B verify --task countdown --plugin-grpc $A --input "
      "-; "
      "kill $P; wait $P; echo server_exit=$?";
  auto r = RunCommand(script);
  RunCommand("rm -rf " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string l1, l2, l3, l_noauth, l4;
  std::getline(in, l1);
  std::getline(in, l2);
  std::getline(in, l3);
  std::getline(in, l_noauth);
  std::getline(in, l4);
  Json a = Json::parse(l1), b = Json::parse(l2), c = Json::parse(l3);
  EXPECT_EQ(a["correct"], true) << r.out << r.err;
  EXPECT_DOUBLE_EQ(b["score"].get<double>(), -0.5);
  EXPECT_NE(c["error"].get<std::string>().find("NOT_FOUND"), std::string::npos);
  // Without the token the server refuses: the sample fails with UNAUTHENTICATED.
  EXPECT_NE(l_noauth.find("UNAUTHENTICATED"), std::string::npos) << l_noauth;
  EXPECT_EQ(l4, "server_exit=0");
}

TEST(VerifierServerCliTest, RefusesToStartWithoutAToken) {
  auto r = RunCommand(BinPath("rlzero") + " verifier-server --listen 0.0.0.0:0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--auth-token-file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rlzero
