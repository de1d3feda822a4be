// rewards/code_sandbox.h: the sandbox that the code verifier runs programs in,
// built from the config's `sandbox:` section when the sandbox library is
// linked (compile definition RLZERO_HAVE_SANDBOX), for the commands that
// host verifiers (`rlzero verify`, `rlzero verifier-server`).
//
// Contract: ReadSandboxSection always consumes the `sandbox` section (so its
// keys are known to the reader); CreateIfNeeded builds a sandbox only when
// `needed`, and returns null without error when no sandbox library is linked
// (the code verifier then reports FAILED_PRECONDITION itself).
// Thread safety: not thread-safe; used once at start-up.
#pragma once

#include <memory>

#include "base/config.h"
#include "base/status.h"
#include "sandbox/sandbox.h"

namespace rlzero::rewards {

class CodeSandbox {
 public:
  // Reads (and validates later) the `sandbox` section of reader.
  explicit CodeSandbox(ConfigReader& reader);
  ~CodeSandbox();
  // Builds the sandbox if needed and linked; get() stays null otherwise.
  Status CreateIfNeeded(bool needed);
  sandbox::Sandbox* get() const { return sandbox_.get(); }
  static bool Linked();

 private:
  struct Config;
  std::unique_ptr<Config> config_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
};

}  // namespace rlzero::rewards
