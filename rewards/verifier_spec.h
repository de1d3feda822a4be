// rewards/verifier_spec.h: where a scorer comes from, as written in config,
// and building it: a built-in verifier by name, an exec plugin, or a gRPC
// plugin. Shared by reward components, `rlzero verify` and
// `rlzero verifier-server`.
//
// Config (one mapping; exactly one of verifier / exec / grpc):
//   {name: correctness, verifier: countdown, options: {...}, timeout_ms: 10000}
//   {name: judge, exec: "python3 my_plugin.py", options: {...}}
//   {name: style, grpc: "127.0.0.1:50070", task: style}
//   {name: style, grpc: ["10.0.0.5:50070", "10.0.0.6:50070"], task: style}
//   {name: style, grpc: "verifiers.internal:50070", tls_ca_file: ca.pem,
//    tls_cert_file: client.pem, tls_key_file: client.key, auth_token_file: token}
// name defaults to the verifier's name; task (the name sent to a plugin)
// defaults to name. timeout_ms is the deadline of one call: one sample for a
// built-in verifier, one batch for a plugin. Built-in options are checked
// against the verifier (unknown keys are errors); plugin options are sent
// as they are. tls_ca_file turns TLS on for a gRPC plugin (the server's
// certificate must chain to it and name the host dialled); tls_cert_file and
// tls_key_file (both or neither, and only with a CA) present a client
// certificate to servers that require one.
// Thread safety: plain values; BuildVerifier is reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "verifiers/verifier.h"

namespace rlzero::rewards {

struct VerifierSpec {
  std::string name;
  std::string verifier;  // built-in name
  std::string exec;      // exec plugin command
  std::string grpc;      // gRPC plugin address (the first replica's)
  // Every replica's address: `grpc: ADDR` or `grpc: [ADDR, ADDR, ...]`. With
  // more than one, a replica that is down or stalls has its samples sent to
  // the next (rewards/failover_verifier.h).
  std::vector<std::string> grpc_replicas;
  std::string task;             // plugin task name (default: name)
  std::string auth_token_file;  // gRPC plugin: bearer token sent with every call
  std::string tls_ca_file;      // gRPC plugin: PEM roots; TLS when set
  std::string tls_cert_file;    // gRPC plugin: client certificate (mutual TLS)
  std::string tls_key_file;     // its private key
  Json options;                 // null or a mapping
  int64_t timeout_ms = 10000;

  bool is_plugin() const { return !exec.empty() || !grpc.empty(); }
  // Reads one spec from a mapping; errors are recorded in the reader.
  static VerifierSpec FromConfig(ConfigReader& reader);
  // OK or INVALID_ARGUMENT naming `where` (e.g. "rewards[1]").
  Status Validate(const std::string& where) const;
};

// Builds the scorer. For a built-in, the options are read through a reader
// over spec.options so unknown keys fail here, naming `where`.
StatusOr<std::shared_ptr<verifiers::Verifier>> BuildVerifier(const VerifierSpec& spec,
                                                             const verifiers::VerifierEnv& env,
                                                             const std::string& where);

}  // namespace rlzero::rewards
