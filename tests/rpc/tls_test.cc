// TLS between rlzero servers and clients (rpc::ServerRunner, rpc::MakeChannel)
// with certificates made at test time by the `openssl` CLI (test-only, in a
// temporary directory): a client holding the CA connects; a plain client and
// a client without the CA are refused; with --tls-client-ca (mutual TLS) a
// client without a certificate is refused and one with a certificate signed
// by that CA connects. "Connects" means the TLS handshake completes (the
// channel reaches READY); a refused handshake never does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "rlzero/v1/verifier.grpc.pb.h"
#include "rpc/channel.h"
#include "rpc/server_runner.h"
#include "tests/support/tls_certificates.h"

namespace rlzero::rpc {
namespace {
namespace fs = std::filesystem;

using testing::TlsCertificates;

bool Connects(const std::string& address, const ClientOptions& options) {
  auto channel = MakeChannel(address, options);
  if (!channel.ok()) return false;
  return (*channel)->WaitForConnected(std::chrono::system_clock::now() +
                                      std::chrono::milliseconds(1500));
}

TEST(TlsTest, ServerCertificateIsVerifiedWithTheCa) {
  TlsCertificates certs;
  if (!certs.ok()) GTEST_SKIP() << "openssl CLI not available";
  v1::VerifierService::Service unimplemented;  // a server needs one service
  ServerRunner server;
  ServerOptions so;
  so.role = "tls-test";
  so.allow_no_auth = true;
  so.tls_cert_file = certs("server.pem");
  so.tls_key_file = certs("server.key");
  auto address = server.Start(so, {&unimplemented});
  ASSERT_TRUE(address.ok()) << address.status().ToString();

  ClientOptions with_ca;
  with_ca.tls_ca_file = certs("ca.pem");
  EXPECT_TRUE(Connects(*address, with_ca));

  ClientOptions plain;  // no TLS at all
  EXPECT_FALSE(Connects(*address, plain));
  ClientOptions wrong_ca;  // TLS, but the server's certificate is not signed by this CA
  wrong_ca.tls_ca_file = certs("other_ca.pem");
  EXPECT_FALSE(Connects(*address, wrong_ca));
}

TEST(TlsTest, MutualTlsRefusesAClientWithoutACertificate) {
  TlsCertificates certs;
  if (!certs.ok()) GTEST_SKIP() << "openssl CLI not available";
  v1::VerifierService::Service unimplemented;  // a server needs one service
  ServerRunner server;
  ServerOptions so;
  so.role = "mtls-test";
  so.allow_no_auth = true;
  so.tls_cert_file = certs("server.pem");
  so.tls_key_file = certs("server.key");
  so.tls_client_ca_file = certs("ca.pem");
  auto address = server.Start(so, {&unimplemented});
  ASSERT_TRUE(address.ok()) << address.status().ToString();

  ClientOptions no_cert;
  no_cert.tls_ca_file = certs("ca.pem");
  EXPECT_FALSE(Connects(*address, no_cert));

  ClientOptions with_cert = no_cert;
  with_cert.tls_cert_file = certs("client.pem");
  with_cert.tls_key_file = certs("client.key");
  EXPECT_TRUE(Connects(*address, with_cert));
}

TEST(TlsTest, IncompleteClientOptionsAreNamedErrors) {
  ClientOptions cert_only;
  cert_only.tls_ca_file = "ca.pem";
  cert_only.tls_cert_file = "client.pem";
  auto st = MakeChannel("127.0.0.1:1", cert_only);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("--client-tls-key"), std::string::npos);

  ClientOptions no_ca;
  no_ca.tls_cert_file = "client.pem";
  no_ca.tls_key_file = "client.key";
  st = MakeChannel("127.0.0.1:1", no_ca);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("--client-tls-ca"), std::string::npos);

  ClientOptions missing_file;
  missing_file.tls_ca_file = "/nonexistent/ca.pem";
  st = MakeChannel("127.0.0.1:1", missing_file);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("/nonexistent/ca.pem"), std::string::npos)
      << st.status().message();
}

}  // namespace
}  // namespace rlzero::rpc
