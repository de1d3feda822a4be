// Server start-up rules. Health checks with auth on are tested against the
// real services (tests/services).
#include "rpc/server_runner.h"

#include <gtest/gtest.h>

namespace rlzero::rpc {
namespace {

TEST(ServerRunnerTest, BareAndColonPortsMeanLoopback) {
  EXPECT_EQ(NormalizeListenAddress("9000"), "127.0.0.1:9000");
  EXPECT_EQ(NormalizeListenAddress(":9000"), "127.0.0.1:9000");
  EXPECT_EQ(NormalizeListenAddress("0.0.0.0:9000"), "0.0.0.0:9000");
  EXPECT_EQ(NormalizeListenAddress("unix:/tmp/s"), "unix:/tmp/s");
}

TEST(ServerRunnerTest, RefusesToStartWithoutTokenUnlessAllowed) {
  ServerRunner r;
  ServerOptions o;
  o.role = "test-server";
  auto st = r.Start(o, {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("--auth-token-file"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::rpc
