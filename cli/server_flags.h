// cli/server_flags.h: the flags every server role shares (--listen,
// --auth-token-file, --no-auth, TLS), mapped onto rpc::ServerOptions.
#pragma once

#include <CLI/CLI.hpp>

#include "rpc/channel.h"
#include "rpc/server_runner.h"

namespace rlzero::cli {

void AddServerFlags(CLI::App& app, rpc::ServerOptions* options);

// --client-tls-ca, --client-tls-cert, --client-tls-key: how this process
// dials other rlzero servers (learner -> rollout workers, worker -> learner).
void AddClientTlsFlags(CLI::App& app, rpc::ClientOptions* options);

// Blocks SIGINT/SIGTERM in the calling thread (call first in main paths of
// servers, before gRPC starts threads) so ServerRunner::WaitForSignal gets them.
void BlockShutdownSignals();

}  // namespace rlzero::cli
