// tests/support/tls_certificates.h: a throwaway PKI for TLS tests, made by
// the `openssl` CLI in a temporary directory that is removed afterwards:
// ca.pem/ca.key, other_ca.pem (an unrelated CA), server.pem/server.key (for
// 127.0.0.1 and localhost) and client.pem/client.key (clientAuth), the leaves
// signed by ca. ok() is false when openssl is missing or fails: tests skip.
// Test-only.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace rlzero::testing {

// CA, a server certificate for 127.0.0.1/localhost and a client certificate,
// all signed by the CA; plus a second, unrelated CA.
class TlsCertificates {
 public:
  TlsCertificates() {
    static std::atomic<int> instances{0};  // several per process may coexist
    dir_ = std::filesystem::temp_directory_path() /
           ("rlzero_tls_test_" + std::to_string(getpid()) + "_" + std::to_string(instances++));
    std::filesystem::create_directories(dir_);
    const std::string d = dir_.string();
    const std::string q = " >/dev/null 2>&1";
    auto ca = [&](const std::string& name) {
      return "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + name + " -keyout " +
             d + "/" + name + ".key -out " + d + "/" + name + ".pem" + q;
    };
    auto leaf = [&](const std::string& name, const std::string& ext) {
      return "openssl req -newkey rsa:2048 -nodes -subj /CN=" + name + " -keyout " + d + "/" +
             name + ".key -out " + d + "/" + name + ".csr" + q + " && printf '" + ext + "' > " + d +
             "/" + name + ".ext && openssl x509 -req -days 1 -in " + d + "/" + name + ".csr -CA " +
             d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -extfile " + d + "/" + name +
             ".ext -out " + d + "/" + name + ".pem" + q;
    };
    ok_ =
        std::system("command -v openssl >/dev/null 2>&1") == 0 &&
        std::system(ca("ca").c_str()) == 0 && std::system(ca("other_ca").c_str()) == 0 &&
        std::system(leaf("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\\n").c_str()) == 0 &&
        std::system(leaf("client", "extendedKeyUsage=clientAuth\\n").c_str()) == 0;
  }
  ~TlsCertificates() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  std::string operator()(const std::string& file) const { return (dir_ / file).string(); }

 private:
  std::filesystem::path dir_;
  bool ok_ = false;
};

}  // namespace rlzero::testing
