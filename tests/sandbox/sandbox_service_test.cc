// tests/sandbox/sandbox_service_test.cc: SandboxService over a real loopback
// gRPC channel: a run round-trips, malformed requests are INVALID_ARGUMENT,
// oversized ones are refused by the message-size bound.
#include "sandbox/sandbox_service.h"

#include <gtest/gtest.h>

#include "sandbox/sandbox_config.h"

namespace rlzero::sandbox {
namespace {

class SandboxServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SandboxConfig c;
    c.prefork = 1;
    auto b = CreateSandbox(c);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    box_ = std::move(b).value().release();
    auto s = StartSandboxServer("127.0.0.1:0", box_, 1 << 20);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = new SandboxServer(std::move(s).value());
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port),
                                       grpc::InsecureChannelCredentials());
    stub_ = rlzero::v1::SandboxService::NewStub(channel).release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    server_->server->Shutdown();
    delete server_;
    delete box_;
  }
  grpc::Status Call(const rlzero::v1::SandboxRunRequest& req,
                    rlzero::v1::SandboxRunResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->Run(&ctx, req, resp);
  }
  static Sandbox* box_;
  static SandboxServer* server_;
  static rlzero::v1::SandboxService::Stub* stub_;
};

Sandbox* SandboxServiceTest::box_ = nullptr;
SandboxServer* SandboxServiceTest::server_ = nullptr;
rlzero::v1::SandboxService::Stub* SandboxServiceTest::stub_ = nullptr;

TEST_F(SandboxServiceTest, RunsAProgram) {
  rlzero::v1::SandboxRunRequest req;
  req.set_language("python");
  req.set_source("import sys\nprint(sys.stdin.read().upper(), end='')\nsys.exit(3)\n");
  req.set_stdin("abc");
  rlzero::v1::SandboxRunResponse resp;
  grpc::Status st = Call(req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.status(), "runtime_error");
  EXPECT_EQ(resp.exit_code(), 3);
  EXPECT_EQ(resp.stdout(), "ABC");
  EXPECT_TRUE(resp.isolated());
}

TEST_F(SandboxServiceTest, MalformedRequestsAreInvalidArgument) {
  rlzero::v1::SandboxRunResponse resp;
  rlzero::v1::SandboxRunRequest req;
  EXPECT_EQ(Call(req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);  // no language
  req.set_language("brainfuck");
  grpc::Status st = Call(req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("brainfuck"), std::string::npos);
  req.set_language("python");
  req.set_time_limit_ms(-5);
  EXPECT_EQ(Call(req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.set_time_limit_ms(10'000'000);
  EXPECT_EQ(Call(req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SandboxServiceTest, OversizedRequestIsRefused) {
  rlzero::v1::SandboxRunRequest req;
  req.set_language("python");
  req.set_source(std::string(2 << 20, '#'));  // over the 1 MiB bound of this server
  rlzero::v1::SandboxRunResponse resp;
  EXPECT_EQ(Call(req, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace rlzero::sandbox
