// rewards/code_sandbox.cc
#include "rewards/code_sandbox.h"

#ifdef RLZERO_HAVE_SANDBOX
#include "sandbox/sandbox_config.h"
#endif

namespace rlzero::rewards {

#ifdef RLZERO_HAVE_SANDBOX
struct CodeSandbox::Config {
  sandbox::SandboxConfig value;
};

CodeSandbox::CodeSandbox(ConfigReader& reader) : config_(new Config) {
  ConfigReader section = reader.Section("sandbox");
  config_->value = sandbox::SandboxConfig::FromConfig(section);
}

Status CodeSandbox::CreateIfNeeded(bool needed) {
  if (!needed || sandbox_) return Status::Ok();
  RLZ_RETURN_IF_ERROR(config_->value.Validate().WithContext("sandbox"));
  auto sb = sandbox::CreateSandbox(config_->value);
  if (!sb.ok()) return sb.status().WithContext("sandbox for the code verifier");
  sandbox_ = std::move(sb).value();
  return Status::Ok();
}

bool CodeSandbox::Linked() { return true; }
#else
struct CodeSandbox::Config {};

CodeSandbox::CodeSandbox(ConfigReader& reader) {
  // Keep the section's keys known so a config written for a build with the
  // sandbox still loads; nothing reads them here.
  (void)reader.GetJson("sandbox");
}

Status CodeSandbox::CreateIfNeeded(bool) { return Status::Ok(); }

bool CodeSandbox::Linked() { return false; }
#endif

CodeSandbox::~CodeSandbox() = default;

}  // namespace rlzero::rewards
