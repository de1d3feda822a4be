// learner/policy_loss.cc: registration list of policy losses.
#include "learner/policy_loss.h"

namespace rlzero {

// learner/losses/ppo_clip.cc
std::unique_ptr<PolicyLoss> MakePpoClipLoss(const PolicyLossOptions& options);

namespace {

struct PolicyLossEntry {
  const char* name;
  std::unique_ptr<PolicyLoss> (*make)(const PolicyLossOptions&);
};

const PolicyLossEntry kLosses[] = {
    {"ppo_clip", MakePpoClipLoss},
};

}  // namespace

Status ValidatePolicyLossOptions(const PolicyLossOptions& o) {
  if (!(o.clip_low >= 0.0 && o.clip_low < 1.0)) {
    return InvalidArgument("grpo.clip_low: must be in [0, 1)");
  }
  if (!(o.clip_high >= 0.0)) return InvalidArgument("grpo.clip_high: must be >= 0");
  if (o.dual_clip != 0.0 && !(o.dual_clip > 1.0)) {
    return InvalidArgument("grpo.dual_clip: must be 0 (off) or > 1");
  }
  return Status::Ok();
}

std::vector<std::string> PolicyLossNames() {
  std::vector<std::string> names;
  for (const PolicyLossEntry& e : kLosses) names.push_back(e.name);
  return names;
}

StatusOr<std::unique_ptr<PolicyLoss>> MakePolicyLoss(const std::string& name,
                                                     const PolicyLossOptions& options) {
  RLZ_RETURN_IF_ERROR(ValidatePolicyLossOptions(options));
  std::string choices;
  for (const PolicyLossEntry& e : kLosses) {
    if (name == e.name) return e.make(options);
    choices += choices.empty() ? e.name : std::string(", ") + e.name;
  }
  return InvalidArgument("unknown policy loss '" + name + "' (choices: " + choices + ")");
}

}  // namespace rlzero
