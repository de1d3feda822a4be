// tests/sandbox/sandbox_service_test.cc: SandboxService over a real loopback
// gRPC channel: a run round-trips, malformed requests are INVALID_ARGUMENT,
// oversized ones are refused by the message-size bound.
#include "sandbox/sandbox_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

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
    rpc::ServerOptions o;
    o.role = "test-sandbox-server";
    o.listen = "127.0.0.1:0";
    o.max_message_bytes = 1 << 20;
    o.auth_token_file = TokenFile();
    auto s = StartSandboxServer(o, box_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = new SandboxServer(std::move(s).value());
    auto channel = grpc::CreateChannel(server_->address, grpc::InsecureChannelCredentials());
    stub_ = rlzero::v1::SandboxService::NewStub(channel).release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    server_->runner->Shutdown();
    delete server_;
    delete box_;
    std::remove(TokenFile().c_str());
  }
  static std::string TokenFile() {
    static const std::string path = [] {
      // One file per process: ctest -j runs these tests as parallel processes,
      // and a shared name let one truncate the file while another read it.
      std::string p = ::testing::TempDir() + "/sandbox_service_token." + std::to_string(getpid());
      std::ofstream(p) << "sandbox-test-token\n";
      return p;
    }();
    return path;
  }
  grpc::Status Call(const rlzero::v1::SandboxRunRequest& req, rlzero::v1::SandboxRunResponse* resp,
                    const std::string& token = "sandbox-test-token") {
    grpc::ClientContext ctx;
    rpc::TokenAuth::FromToken(token).Attach(&ctx);
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

TEST_F(SandboxServiceTest, MissingOrWrongTokenIsUnauthenticated) {
  rlzero::v1::SandboxRunRequest req;
  req.set_language("python");
  req.set_source("print(1)\n");
  rlzero::v1::SandboxRunResponse resp;
  EXPECT_EQ(Call(req, &resp, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(req, &resp, "not-the-token").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(resp.stdout().empty());
}

}  // namespace
}  // namespace rlzero::sandbox
