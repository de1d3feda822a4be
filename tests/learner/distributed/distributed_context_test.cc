// tests/learner/distributed/distributed_context_test.cc: launcher env parsing.
#include "learner/distributed/distributed_context.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

using Env = std::map<std::string, std::string>;

TEST(DistributedContextTest, NoVariablesIsSingleProcess) {
  auto ctx = ParseDistributedContext(Env{});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->rank, 0);
  EXPECT_EQ(ctx->world_size, 1);
  EXPECT_FALSE(ctx->distributed());
  EXPECT_EQ(ctx->source, "single");
}

TEST(DistributedContextTest, WorldSizeOneNeedsNoMaster) {
  auto ctx = ParseDistributedContext(Env{{"RANK", "0"}, {"WORLD_SIZE", "1"}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_FALSE(ctx->distributed());
}

TEST(DistributedContextTest, TorchrunVariables) {
  auto ctx = ParseDistributedContext(Env{{"RANK", "3"},
                                         {"WORLD_SIZE", "4"},
                                         {"LOCAL_RANK", "1"},
                                         {"MASTER_ADDR", "10.0.0.2"},
                                         {"MASTER_PORT", "29500"}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->rank, 3);
  EXPECT_EQ(ctx->world_size, 4);
  EXPECT_EQ(ctx->local_rank, 1);
  EXPECT_EQ(ctx->master_addr, "10.0.0.2");
  EXPECT_EQ(ctx->master_port, 29500);
  EXPECT_EQ(ctx->source, "torchrun");
  EXPECT_TRUE(ctx->distributed());
}

TEST(DistributedContextTest, SlurmVariablesWhenRankAbsent) {
  auto ctx = ParseDistributedContext(Env{{"SLURM_PROCID", "5"},
                                         {"SLURM_NTASKS", "8"},
                                         {"SLURM_LOCALID", "1"},
                                         {"MASTER_ADDR", "node01"},
                                         {"MASTER_PORT", "12345"}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->rank, 5);
  EXPECT_EQ(ctx->world_size, 8);
  EXPECT_EQ(ctx->local_rank, 1);
  EXPECT_EQ(ctx->source, "slurm");
}

TEST(DistributedContextTest, RankWinsOverSlurm) {
  auto ctx = ParseDistributedContext(Env{{"RANK", "1"},
                                         {"WORLD_SIZE", "2"},
                                         {"SLURM_PROCID", "7"},
                                         {"SLURM_NTASKS", "9"},
                                         {"MASTER_ADDR", "h"},
                                         {"MASTER_PORT", "1"}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->rank, 1);
  EXPECT_EQ(ctx->world_size, 2);
}

void ExpectError(const Env& env, const std::string& needle) {
  auto ctx = ParseDistributedContext(env);
  ASSERT_FALSE(ctx.ok()) << "expected an error mentioning " << needle;
  EXPECT_EQ(ctx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ctx.status().message().find(needle), std::string::npos) << ctx.status().ToString();
}

TEST(DistributedContextTest, BadValuesNameTheVariable) {
  const Env ok{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "29500"}};
  auto with = [&](const std::string& k, const std::string& v) {
    Env e = ok;
    e[k] = v;
    return e;
  };
  ExpectError(with("RANK", "abc"), "RANK='abc'");
  ExpectError(with("RANK", "2"), "RANK='2' is outside [0, 2)");
  ExpectError(with("RANK", "-1"), "RANK='-1'");
  ExpectError(with("WORLD_SIZE", "2x"), "WORLD_SIZE='2x'");
  ExpectError(with("WORLD_SIZE", "0"), "WORLD_SIZE='0'");
  ExpectError(with("WORLD_SIZE", ""), "WORLD_SIZE is set but empty");
  ExpectError(with("MASTER_PORT", "99999"), "MASTER_PORT='99999'");
  ExpectError(with("MASTER_PORT", "port"), "MASTER_PORT='port'");
  ExpectError(with("LOCAL_RANK", "x"), "LOCAL_RANK='x'");
}

TEST(DistributedContextTest, MissingVariablesAreNamed) {
  ExpectError(Env{{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}},
              "neither RANK nor SLURM_PROCID");
  ExpectError(Env{{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1"}},
              "MASTER_ADDR is not set");
  ExpectError(Env{{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}},
              "MASTER_PORT is not set");
  ExpectError(Env{{"RANK", "1"}}, "RANK='1' is outside [0, 1)");
}

}  // namespace
}  // namespace rlzero
