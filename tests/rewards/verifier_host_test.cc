// VerifierHost: the service logic without gRPC.
#include "rewards/verifier_host.h"

#include <gtest/gtest.h>

namespace rlzero::rewards {
namespace {

VerifierHost MakeHost(VerifierHostLimits limits = {}) {
  VerifierHost host(limits);
  auto v = verifiers::MakeVerifier("countdown", Json(nullptr), verifiers::VerifierEnv{});
  EXPECT_TRUE(v.ok());
  host.Add("countdown", std::shared_ptr<verifiers::Verifier>(std::move(v).value()));
  return host;
}

const char* kGood = R"({"response": "<answer>1+2</answer>", "numbers": [1, 2], "target": 3})";

TEST(VerifierHostTest, ScoresJsonSamples) {
  VerifierHost host = MakeHost();
  auto r = host.Verify("countdown", kGood, 0);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->ok());
  EXPECT_TRUE((*r)->correct);
  auto b = host.VerifyBatch("countdown", {kGood, R"({"response": "x"})"}, 1000);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_TRUE((*b)[0].ok());
  EXPECT_FALSE((*b)[1].ok());  // per-sample error, not a failed batch
  EXPECT_EQ(host.Names(), std::vector<std::string>{"countdown"});
}

TEST(VerifierHostTest, RejectsMalformedAndOversizedRequests) {
  VerifierHostLimits limits;
  limits.max_sample_bytes = 100;
  limits.max_batch = 2;
  VerifierHost host = MakeHost(limits);
  EXPECT_EQ(host.Verify("countdown", "{not json", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(host.Verify("countdown", "[1]", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(host.Verify("countdown", std::string(200, ' ') + kGood, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(host.Verify("nope", kGood, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(host.VerifyBatch("countdown", {kGood, kGood, kGood}, 0).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rlzero::rewards
