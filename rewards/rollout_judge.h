// rewards/rollout_judge.h: the judge verifier's transport to a model served
// by a rollout worker (rlzero.v1.RolloutService, proto/rlzero/v1/rollout.proto)
// over gRPC. Talks to the service through the generated stubs and rpc/ only;
// it does not link the rollout library.
//
// Connection options (read from the judge verifier's options):
//   address            "host:port" or "unix:/path" of the worker (required)
//   tokenizer          tokenizer.json or the judge model's dir (required): the
//                      worker takes token ids, so the prompt is encoded here
//   add_special_tokens BOS/EOS as the tokenizer config says (true)
//   auth_token_file    bearer token sent with every call (none)
//   tls_ca_file        PEM roots: use TLS (plain when empty)
//   weights_version    required weights version (-1: any)
//   max_prompt_tokens  longer prompts fail with RESOURCE_EXHAUSTED (32768)
//
// Contract: one Generate = one GenerateRequest (n = 1) whose gRPC deadline is
// the verifier's Deadline; an already-expired deadline fails at once with
// DEADLINE_EXCEEDED. Errors keep the gRPC code (UNAVAILABLE when the worker is
// down, UNAUTHENTICATED for a wrong or missing token, ...) with "judge model
// ADDRESS" in the message. Replies are capped at 8 MiB; a reply without a
// completion is DATA_LOSS. The text is the completion's `text`, or its token
// ids decoded here when the worker sent no text.
// Thread safety: thread-safe (the gRPC stub and the tokenizer are).
#pragma once

#include <memory>

#include "base/config.h"
#include "verifiers/judge_model.h"

namespace rlzero::rewards {

// A verifiers::JudgeConnector.
StatusOr<std::shared_ptr<verifiers::JudgeModel>> ConnectRolloutJudge(ConfigReader& options);

}  // namespace rlzero::rewards
