// gRPC plugins end to end over loopback: rlzero's own VerifierService serving
// countdown, and the Python example plugin (examples/plugins/python_verifier.py)
// started as a real process and scored through GrpcPlugin.
#include "rewards/grpc_plugin.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "rewards/reward_function.h"
#include "rewards/verifier_service.h"
#include "rewards/verifier_spec.h"
#include "rpc/server_runner.h"
#include "tests/support/tls_certificates.h"

namespace rlzero::rewards {
namespace {

using verifiers::Deadline;

class InProcessServer {
 public:
  // tls_cert/tls_key: serve TLS with that certificate; tls_client_ca: also
  // require client certificates signed by it.
  explicit InProcessServer(rpc::TokenAuth auth = rpc::TokenAuth::Disabled(),
                           const std::string& tls_cert = "", const std::string& tls_key = "",
                           const std::string& tls_client_ca = "")
      : service_(&host_, std::move(auth)) {
    auto v = verifiers::MakeVerifier("countdown", Json(nullptr), verifiers::VerifierEnv{});
    host_.Add("countdown", std::shared_ptr<verifiers::Verifier>(std::move(v).value()));
    rpc::ServerOptions o;
    o.role = "test-verifier-server";
    o.allow_no_auth = true;  // the service itself checks `auth`
    o.max_message_bytes = 1 << 20;
    o.tls_cert_file = tls_cert;
    o.tls_key_file = tls_key;
    o.tls_client_ca_file = tls_client_ca;
    auto s = runner_.Start(o, {&service_});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (s.ok()) address_ = *s;
  }
  ~InProcessServer() { runner_.Shutdown(); }
  std::string address() const { return address_; }

 private:
  VerifierHost host_;
  VerifierServiceImpl service_;
  rpc::ServerRunner runner_;
  std::string address_;
};

Json Sample(const std::string& answer) {
  return Json{
      {"response", "<answer>" + answer + "</answer>"}, {"numbers", {1, 2, 3}}, {"target", 9}};
}

TEST(GrpcPluginTest, ScoresThroughRlzeroVerifierService) {
  InProcessServer server;
  GrpcPlugin plugin(server.address(), "countdown");
  auto r = plugin.Verify(Sample("(1+2)*3"), Deadline::In(10000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->correct);
  EXPECT_EQ(r->extracted, "(1+2)*3");
  auto batch = plugin.VerifyBatch({Sample("(1+2)*3"), Sample("1+2+3"), Json{{"response", "x"}}},
                                  Deadline::In(10000));
  ASSERT_EQ(batch.size(), 3u);
  ASSERT_TRUE(batch[0].ok());
  EXPECT_TRUE(batch[0]->correct);
  ASSERT_TRUE(batch[1].ok());
  EXPECT_FALSE(batch[1]->correct);
  EXPECT_FALSE(batch[2].ok());  // the sample lacks numbers: that entry fails alone
  // Larger than one request chunk (1024) and than the server's batch cap
  // (4096): answered in order, entry by entry.
  std::vector<Json> many;
  for (int i = 0; i < 5000; ++i) many.push_back(Sample(i % 2 ? "(1+2)*3" : "1+2+3"));
  auto all = plugin.VerifyBatch(many, Deadline::In(60000));
  ASSERT_EQ(all.size(), many.size());
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_TRUE(all[i].ok()) << i << ": " << all[i].status().ToString();
    EXPECT_EQ(all[i]->correct, i % 2 == 1) << i;
  }
}

TEST(GrpcPluginTest, EveryRpcNeedsTheToken) {
  InProcessServer server(rpc::TokenAuth::FromToken("verifier-token"));
  GrpcPlugin right(server.address(), "countdown", rpc::TokenAuth::FromToken("verifier-token"));
  auto ok = right.Verify(Sample("(1+2)*3"), Deadline::In(10000));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->correct);
  for (const char* token : {"", "wrong"}) {
    GrpcPlugin plugin(server.address(), "countdown", rpc::TokenAuth::FromToken(token));
    auto r = plugin.Verify(Sample("(1+2)*3"), Deadline::In(10000));
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << token;
    auto batch = plugin.VerifyBatch({Sample("(1+2)*3")}, Deadline::In(10000));
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0].status().code(), StatusCode::kUnauthenticated) << token;
  }
}

TEST(GrpcPluginTest, ServiceErrorsMapToStatusCodes) {
  InProcessServer server;
  GrpcPlugin unknown(server.address(), "nope");
  auto r = unknown.Verify(Sample("1"), Deadline::In(10000));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  // Over the 1 MiB message cap.
  GrpcPlugin plugin(server.address(), "countdown");
  r = plugin.Verify(Json{{"response", std::string(2 << 20, 'x')}}, Deadline::In(10000));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  // Nobody listening.
  GrpcPlugin down("127.0.0.1:1", "countdown");
  r = down.Verify(Sample("1"), Deadline::In(2000));
  EXPECT_FALSE(r.ok());
}

// A gRPC plugin configured with tls_ca_file scores through a TLS verifier
// server; without the CA (plain, or another CA) it cannot reach it; with a
// server that requires client certificates, only a plugin holding one gets in.
TEST(GrpcPluginTest, TlsFromConfigWithCaAndClientCertificate) {
  testing::TlsCertificates certs;
  if (!certs.ok()) GTEST_SKIP() << "openssl CLI not available";
  InProcessServer server(rpc::TokenAuth::FromToken("tok"), certs("server.pem"),
                         certs("server.key"));
  const std::string token_file = certs("token");
  { std::ofstream(token_file) << "tok\n"; }
  auto build = [&](Json spec) {
    spec["name"] = "cd";
    spec["grpc"] = server.address();
    spec["task"] = "countdown";
    spec["auth_token_file"] = token_file;
    ConfigReader r(spec, "rewards[0]");
    VerifierSpec vs = VerifierSpec::FromConfig(r);
    EXPECT_TRUE(r.Finish().ok());
    return BuildVerifier(vs, verifiers::VerifierEnv{}, "rewards[0]");
  };
  auto tls = build(Json{{"tls_ca_file", certs("ca.pem")}});
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  auto r = (*tls)->Verify(Sample("(1+2)*3"), Deadline::In(10000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->correct);

  for (Json wrong : {Json::object(), Json{{"tls_ca_file", certs("other_ca.pem")}}}) {
    auto v = build(wrong);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    auto refused = (*v)->Verify(Sample("(1+2)*3"), Deadline::In(3000));
    EXPECT_FALSE(refused.ok()) << wrong.dump();
  }

  InProcessServer mtls(rpc::TokenAuth::FromToken("tok"), certs("server.pem"), certs("server.key"),
                       certs("ca.pem"));
  auto with_cert = [&](bool cert) {
    Json spec{{"name", "cd"},
              {"grpc", mtls.address()},
              {"task", "countdown"},
              {"auth_token_file", token_file},
              {"tls_ca_file", certs("ca.pem")}};
    if (cert) {
      spec["tls_cert_file"] = certs("client.pem");
      spec["tls_key_file"] = certs("client.key");
    }
    ConfigReader rd(spec, "rewards[0]");
    VerifierSpec vs = VerifierSpec::FromConfig(rd);
    auto v = BuildVerifier(vs, verifiers::VerifierEnv{}, "rewards[0]");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return (*v)->Verify(Sample("(1+2)*3"), Deadline::In(3000));
  };
  EXPECT_FALSE(with_cert(false).ok());
  auto in = with_cert(true);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_TRUE(in->correct);
}

// `grpc: [A, B]`: a verifier server that is down, or goes down mid-run, has
// its samples scored by the other replica (rewards/failover_verifier.h).
TEST(GrpcPluginTest, ReplicaListSurvivesAServerGoingDown) {
  auto first = std::make_unique<InProcessServer>();
  InProcessServer second;
  auto build = [&](Json grpc) {
    Json spec{{"name", "cd"}, {"grpc", grpc}, {"task", "countdown"}, {"timeout_ms", 4000}};
    ConfigReader r(spec, "rewards[0]");
    VerifierSpec vs = VerifierSpec::FromConfig(r);
    EXPECT_TRUE(r.Finish().ok()) << r.Finish().ToString();
    auto v = BuildVerifier(vs, verifiers::VerifierEnv{}, "rewards[0]");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return std::move(v).value();
  };
  // Nobody listens on the first address: the second answers.
  auto with_dead = build(Json::array({"127.0.0.1:1", second.address()}));
  auto r = with_dead->Verify(Sample("(1+2)*3"), Deadline::In(4000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->correct);

  auto both = build(Json::array({first->address(), second.address()}));
  auto batch = both->VerifyBatch({Sample("(1+2)*3"), Sample("1+2+3")}, Deadline::In(4000));
  ASSERT_TRUE(batch[0].ok() && batch[1].ok());
  first.reset();  // the first server goes away between calls
  batch = both->VerifyBatch({Sample("(1+2)*3"), Sample("1+2+3")}, Deadline::In(4000));
  ASSERT_EQ(batch.size(), 2u);
  ASSERT_TRUE(batch[0].ok()) << batch[0].status().ToString();
  ASSERT_TRUE(batch[1].ok()) << batch[1].status().ToString();
  EXPECT_TRUE(batch[0]->correct);
  EXPECT_FALSE(batch[1]->correct);

  // A bad list is named.
  for (Json bad : {Json::array(), Json::array({"a:1", 3}), Json(7)}) {
    Json spec{{"name", "cd"}, {"grpc", bad}};
    ConfigReader rd(spec, "rewards[0]");
    VerifierSpec::FromConfig(rd);
    Status st = rd.Finish();
    EXPECT_FALSE(st.ok()) << bad.dump();
    EXPECT_NE(st.ToString().find("grpc"), std::string::npos) << st.ToString();
  }
}

TEST(GrpcPluginTest, TlsConfigMistakesAreNamed) {
  auto error = [](Json spec) {
    spec["name"] = "cd";
    ConfigReader r(spec, "rewards[2]");
    VerifierSpec vs = VerifierSpec::FromConfig(r);
    auto v = BuildVerifier(vs, verifiers::VerifierEnv{}, "rewards[2]");
    EXPECT_FALSE(v.ok()) << spec.dump();
    return v.ok() ? std::string() : v.status().ToString();
  };
  auto has = [](const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  };
  std::string e = error(Json{{"verifier", "countdown"}, {"tls_ca_file", "ca.pem"}});
  EXPECT_TRUE(has(e, "rewards[2]") && has(e, "for 'grpc' plugins")) << e;
  e = error(Json{{"grpc", "127.0.0.1:1"}, {"tls_ca_file", "ca.pem"}, {"tls_cert_file", "c.pem"}});
  EXPECT_TRUE(has(e, "tls_key_file")) << e;
  e = error(Json{{"grpc", "127.0.0.1:1"}, {"tls_cert_file", "c.pem"}, {"tls_key_file", "c.key"}});
  EXPECT_TRUE(has(e, "needs tls_ca_file")) << e;
  e = error(Json{{"grpc", "127.0.0.1:1"}, {"tls_ca_file", "/nonexistent/ca.pem"}});
  EXPECT_TRUE(has(e, "rewards[2]") && has(e, "/nonexistent/ca.pem")) << e;
}

TEST(GrpcPluginTest, MalformedJsonIsInvalidArgument) {
  InProcessServer server;
  auto stub = rlzero::v1::VerifierService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  rlzero::v1::VerifyRequest req;
  req.set_task("countdown");
  req.set_sample_json("{\"response\": ");
  rlzero::v1::VerifyResponse resp;
  grpc::ClientContext ctx;
  grpc::Status st = stub->Verify(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  rlzero::v1::ListVerifiersResponse names;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub->ListVerifiers(&ctx2, rlzero::v1::ListVerifiersRequest(), &names).ok());
  ASSERT_EQ(names.names_size(), 1);
  EXPECT_EQ(names.names(0), "countdown");
}

// Starts examples/plugins/python_verifier.py and reads the address it prints.
class PythonPlugin {
 public:
  PythonPlugin() {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      const char* py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
      execlp(py, py, RLZERO_SOURCE_DIR "/examples/plugins/python_verifier.py", "--listen",
             "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("listening")) address_ = j["listening"];
  }
  ~PythonPlugin() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& address() const { return address_; }

 private:
  pid_t pid_ = -1;
  std::string address_;
};

TEST(GrpcPluginTest, PythonExamplePluginEndToEnd) {
  PythonPlugin py;
  ASSERT_FALSE(py.address().empty()) << "python plugin did not start (python3-grpcio missing?)";
  auto root = ParseYaml("rewards:\n  - {name: kw, grpc: '" + py.address() +
                            "', task: keyword, weight: 0.5}\n"
                            "  - {name: fmt, verifier: format, weight: 1.0}\n",
                        "t.yaml");
  ASSERT_TRUE(root.ok());
  ConfigReader reader(*root, "t.yaml");
  auto cfg = RewardsConfig::FromConfig(reader);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_TRUE(reader.Finish().ok());
  auto f = RewardFunction::Create(*cfg->ForTask("x"), verifiers::VerifierEnv{});
  ASSERT_TRUE(f.ok());
  std::vector<Json> samples = {
      Json{{"response", "<think>t</think><answer>The Paris answer</answer>"}, {"keyword", "paris"}},
      Json{{"response", "<think>t</think><answer>London</answer>"}, {"keyword", "paris"}},
      Json{{"response", "<think>t</think><answer>x</answer>"}}};  // no keyword: plugin error
  auto rs = (*f)->ScoreBatch(samples);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_FALSE(rs[0].components[0].failed) << rs[0].components[0].reason;
  EXPECT_DOUBLE_EQ(rs[0].total, 1.5);
  EXPECT_EQ(rs[0].components[0].extracted, "The Paris answer");
  EXPECT_DOUBLE_EQ(rs[1].total, 1.0);
  EXPECT_TRUE(rs[2].components[0].failed);
  EXPECT_NE(rs[2].components[0].reason.find("keyword"), std::string::npos);
  EXPECT_DOUBLE_EQ(rs[2].total, 1.0);
}

}  // namespace
}  // namespace rlzero::rewards
