// rewards/verifier_spec.cc
#include "rewards/verifier_spec.h"

#include "rewards/exec_plugin.h"
#include "rewards/failover_verifier.h"
#include "rewards/grpc_plugin.h"
#include "rewards/rollout_judge.h"

namespace rlzero::rewards {

VerifierSpec VerifierSpec::FromConfig(ConfigReader& r) {
  VerifierSpec s;
  r.Get("verifier", &s.verifier);
  r.Get("exec", &s.exec);
  const Json grpc = r.GetJson("grpc");
  if (grpc.is_string()) {
    s.grpc_replicas = {grpc.get<std::string>()};
  } else if (grpc.is_array()) {
    for (const Json& a : grpc) {
      if (!a.is_string() || a.get<std::string>().empty()) {
        r.RecordError("grpc", "every replica address must be a non-empty string");
        s.grpc_replicas.clear();
        break;
      }
      s.grpc_replicas.push_back(a.get<std::string>());
    }
    if (grpc.empty()) r.RecordError("grpc", "the list of replica addresses is empty");
  } else if (!grpc.is_null()) {
    r.RecordError("grpc", "an address or a list of addresses");
  }
  if (!s.grpc_replicas.empty()) s.grpc = s.grpc_replicas.front();
  r.Get("task", &s.task);
  r.Get("auth_token_file", &s.auth_token_file);
  r.Get("tls_ca_file", &s.tls_ca_file);
  r.Get("tls_cert_file", &s.tls_cert_file);
  r.Get("tls_key_file", &s.tls_key_file);
  r.Get("timeout_ms", &s.timeout_ms);
  s.options = r.GetJson("options");
  if (!r.Get("name", &s.name)) s.name = s.verifier;
  if (s.task.empty()) s.task = s.name;
  return s;
}

Status VerifierSpec::Validate(const std::string& where) const {
  int sources = !verifier.empty() + !exec.empty() + !grpc.empty();
  if (sources != 1)
    return InvalidArgument(where + ": give exactly one of 'verifier', 'exec', 'grpc'");
  if (name.empty()) return InvalidArgument(where + ": 'name' is required for a plugin");
  if (timeout_ms <= 0) return InvalidArgument(where + ": timeout_ms must be > 0");
  if (!options.is_null() && !options.is_object())
    return InvalidArgument(where + ": options must be a mapping");
  const bool any_tls = !tls_ca_file.empty() || !tls_cert_file.empty() || !tls_key_file.empty();
  if (any_tls && grpc.empty())
    return InvalidArgument(where +
                           ": tls_ca_file/tls_cert_file/tls_key_file are for 'grpc' plugins");
  if (tls_cert_file.empty() != tls_key_file.empty())
    return InvalidArgument(where + ": give both tls_cert_file and tls_key_file, or neither");
  if (!tls_cert_file.empty() && tls_ca_file.empty())
    return InvalidArgument(where + ": tls_cert_file needs tls_ca_file (the CA of the server)");
  return Status::Ok();
}

StatusOr<std::shared_ptr<verifiers::Verifier>> BuildVerifier(const VerifierSpec& spec,
                                                             const verifiers::VerifierEnv& env,
                                                             const std::string& where) {
  RLZ_RETURN_IF_ERROR(spec.Validate(where));
  if (!spec.exec.empty())
    return std::shared_ptr<verifiers::Verifier>(new ExecPlugin(spec.exec, spec.task, spec.options));
  if (!spec.grpc.empty()) {
    rpc::TokenAuth auth = rpc::TokenAuth::Disabled();
    if (!spec.auth_token_file.empty()) {
      auto a = rpc::TokenAuth::FromFile(spec.auth_token_file);
      if (!a.ok()) return a.status().WithContext(where);
      auth = *a;
    }
    rpc::ClientOptions client;
    client.tls_ca_file = spec.tls_ca_file;
    client.tls_cert_file = spec.tls_cert_file;
    client.tls_key_file = spec.tls_key_file;
    const std::vector<std::string> addresses =
        spec.grpc_replicas.empty() ? std::vector<std::string>{spec.grpc} : spec.grpc_replicas;
    std::vector<std::shared_ptr<verifiers::Verifier>> replicas;
    for (const std::string& address : addresses) {
      auto plugin = GrpcPlugin::Connect(address, spec.task, auth, client);
      if (!plugin.ok()) return plugin.status().WithContext(where);
      replicas.push_back(std::shared_ptr<verifiers::Verifier>(std::move(plugin).value()));
    }
    if (replicas.size() == 1) return replicas.front();
    return std::shared_ptr<verifiers::Verifier>(new FailoverVerifier(std::move(replicas)));
  }
  ConfigReader options(spec.options, where + ".options");
  verifiers::VerifierEnv with_judge = env;
  if (with_judge.connect_judge == nullptr) with_judge.connect_judge = ConnectRolloutJudge;
  auto v = verifiers::MakeVerifier(spec.verifier, options, with_judge);
  if (!v.ok()) return v.status().WithContext(where);
  RLZ_RETURN_IF_ERROR(options.Finish());
  return std::shared_ptr<verifiers::Verifier>(std::move(v).value());
}

}  // namespace rlzero::rewards
