// policy/model_registry.cc: the explicit list of model families. Adding a
// family: write policy/<family>.cc defining its ModelFamily, declare it here
// and add one line to kFamilies.
#include "policy/model_family.h"

namespace rlzero {

extern const ModelFamily kLlamaFamily;
extern const ModelFamily kQwen2Family;
extern const ModelFamily kQwen3Family;
extern const ModelFamily kDeepseekV3Family;

namespace {

const ModelFamily* const kFamilies[] = {
    &kLlamaFamily,
    &kQwen2Family,
    &kQwen3Family,
    &kDeepseekV3Family,
};

}  // namespace

const ModelFamily* FindModelFamily(const std::string& model_type) {
  for (const ModelFamily* f : kFamilies)
    if (model_type == f->model_type) return f;
  return nullptr;
}

std::vector<std::string> ModelFamilyNames() {
  std::vector<std::string> out;
  for (const ModelFamily* f : kFamilies) out.push_back(f->model_type);
  return out;
}

}  // namespace rlzero
