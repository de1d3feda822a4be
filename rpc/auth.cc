// rpc/auth.cc
#include "rpc/auth.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "base/file_contents.h"

namespace rlzero::rpc {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Compares without an early exit so timing does not leak the prefix length.
bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? a[i] : 0;
    unsigned char y = i < b.size() ? b[i] : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

}  // namespace

StatusOr<TokenAuth> TokenAuth::FromFile(const std::string& path) {
  auto contents = ReadFileContents(path);
  if (!contents.ok()) return NotFound(path + ": cannot read auth token file");
  std::string token = Trim(*contents);
  if (token.empty()) return InvalidArgument(path + ": auth token file is empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    return InvalidArgument(path + ": auth token must be one word");
  return TokenAuth(token);
}

TokenAuth TokenAuth::FromToken(std::string token) { return TokenAuth(Trim(token)); }
TokenAuth TokenAuth::Disabled() { return TokenAuth(""); }

StatusOr<std::string> TokenAuth::GenerateToken() {
  unsigned char buf[32];
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Internal("cannot open /dev/urandom");
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n != static_cast<ssize_t>(sizeof buf)) return Internal("short read from /dev/urandom");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : buf) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

grpc::Status TokenAuth::Check(const grpc::ServerContextBase& context) const {
  if (!enabled()) return grpc::Status::OK;
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  std::string got = it == md.end() ? "" : std::string(it->second.data(), it->second.size());
  if (!ConstantTimeEquals(got, "Bearer " + token_))
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "missing or wrong bearer token (metadata 'authorization: Bearer <token>')");
  return grpc::Status::OK;
}

void TokenAuth::Attach(grpc::ClientContext* context) const {
  if (enabled()) context->AddMetadata("authorization", "Bearer " + token_);
}

StatusOr<std::string> WriteNewTokenFile(const std::string& path) {
  RLZ_ASSIGN_OR_RETURN(std::string token, TokenAuth::GenerateToken());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal(path + ": cannot create auth token file");
  std::string line = token + "\n";
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (!ok) return Internal(path + ": cannot write auth token file");
  return token;
}

}  // namespace rlzero::rpc
