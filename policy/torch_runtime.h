// policy/torch_runtime.h: process-wide LibTorch settings made once at start-up
// by rlzero-torch. Debian's LibTorch starts with one intra-op thread on small
// machines; rlzero sets it deliberately.
#pragma once

namespace rlzero {

// Sets intra-op threads to $RLZERO_THREADS if set, else the number of CPUs
// available to the process; inter-op threads to 1.
void ConfigureTorchThreads();

}  // namespace rlzero
