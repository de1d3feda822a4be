// rpc/channel.cc
#include "rpc/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cstdint>

#include "base/file_contents.h"

namespace rlzero::rpc {
Status ClientOptions::Validate() const {
  if (tls_cert_file.empty() != tls_key_file.empty())
    return InvalidArgument(
        "client TLS: a client certificate needs both --client-tls-cert and --client-tls-key");
  if (!tls_cert_file.empty() && tls_ca_file.empty())
    return InvalidArgument(
        "client TLS: --client-tls-cert needs --client-tls-ca (the CA that signed the servers)");
  if (max_message_bytes <= 0 || max_message_bytes > INT32_MAX)
    return InvalidArgument("client: max_message_bytes must be in [1, 2^31)");
  return Status::Ok();
}

StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& address,
                                                     const ClientOptions& options) {
  if (address.empty()) return InvalidArgument("empty server address");
  RLZ_RETURN_IF_ERROR(options.Validate());
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  args.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!options.tls_ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    RLZ_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFileContents(options.tls_ca_file));
    if (!options.tls_cert_file.empty()) {
      RLZ_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFileContents(options.tls_cert_file));
      RLZ_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFileContents(options.tls_key_file));
    }
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(address, creds, args);
}

void PrepareContext(grpc::ClientContext* context, const TokenAuth& auth,
                    std::chrono::milliseconds timeout) {
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  auth.Attach(context);
}

}  // namespace rlzero::rpc
