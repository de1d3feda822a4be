#!/usr/bin/env python3
"""scripts/gpu-fixtures.py OUT_DIR: transformers parity fixtures.

Run where transformers is installed (the GPU machine; nothing here needs a
GPU). For each tiny random model family below it writes OUT_DIR/<name>/:
the model as transformers saves it (config.json, model.safetensors) and
reference.json: the input ids, transformers' float32 logits for them, and the
greedy continuation (argmax each step, first maximum on ties) of each input.
Commit the folders under tests/fixtures/transformers/; the CPU test
tests/policy/transformers_parity_test.cc then checks rlzero's model code and
rollout engine against transformers, not against rlzero itself.

Models are tiny (vocab 128, hidden 32, 2 layers, about 100 KB each) and their
weights are drawn with initializer_range 0.2 so greedy choices are well
separated. Every family is tried; one that fails is reported and skipped.
"""
import json
import os
import sys

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM

COMMON = dict(vocab_size=128, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
              max_position_embeddings=256, rms_norm_eps=1e-6, initializer_range=0.2,
              bos_token_id=None, eos_token_id=None, pad_token_id=None)

FAMILIES = {
    "llama": dict(model_type="llama", intermediate_size=48, num_key_value_heads=2, head_dim=8,
                  rope_theta=50000.0, tie_word_embeddings=False),
    "llama-rope-llama3": dict(model_type="llama", intermediate_size=48, num_key_value_heads=2,
                              head_dim=8, rope_theta=500000.0, tie_word_embeddings=False,
                              rope_scaling={"rope_type": "llama3", "factor": 8.0,
                                            "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                            "original_max_position_embeddings": 16}),
    "qwen2": dict(model_type="qwen2", intermediate_size=48, num_key_value_heads=2,
                  rope_theta=1000000.0, tie_word_embeddings=True),
    "qwen3": dict(model_type="qwen3", intermediate_size=48, num_key_value_heads=2, head_dim=16,
                  rope_theta=1000000.0, tie_word_embeddings=True),
    "deepseek_v3": dict(model_type="deepseek_v3", intermediate_size=64, moe_intermediate_size=16,
                        first_k_dense_replace=1, n_routed_experts=4, n_shared_experts=1,
                        num_experts_per_tok=2, n_group=2, topk_group=1, num_key_value_heads=4,
                        q_lora_rank=16, kv_lora_rank=16, qk_nope_head_dim=8, qk_rope_head_dim=8,
                        v_head_dim=8, rope_theta=10000.0, tie_word_embeddings=False),
}

NEW_TOKENS = 8


def make(name, spec, out_dir):
    kw = dict(COMMON)
    kw.update(spec)
    model_type = kw.pop("model_type")
    config = AutoConfig.for_model(model_type, **kw)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32).eval()
    folder = os.path.join(out_dir, name)
    model.save_pretrained(folder, safe_serialization=True)
    gen = torch.Generator().manual_seed(1)
    inputs = torch.randint(0, kw["vocab_size"], (2, 7), generator=gen)
    with torch.no_grad():
        logits = model(inputs).logits.float()  # [2, 7, V]
        greedy = []
        for row in inputs:
            seq = row.unsqueeze(0)
            out = []
            for _ in range(NEW_TOKENS):
                nxt = int(model(seq).logits[0, -1].argmax())
                out.append(nxt)
                seq = torch.cat([seq, torch.tensor([[nxt]])], dim=1)
            greedy.append(out)
    ref = {
        "family": model_type,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "input_ids": inputs.tolist(),
        "logits": logits.tolist(),
        "greedy": greedy,
        "new_tokens": NEW_TOKENS,
    }
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(ref, f)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters -> {folder}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/gpu-fixtures.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    failed = 0
    for name, spec in FAMILIES.items():
        try:
            make(name, spec, out_dir)
        except Exception as e:  # report and go on: one family must not cost the others
            failed += 1
            print(f"{name}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
