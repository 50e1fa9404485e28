#!/usr/bin/env python3
"""Tiny random-weight checkpoints of every supported model family, with reference NLLs.

Run by hand (not by CI) from the repository root:

    python3 scripts/make-family-fixtures.py [--out Tests/Fixtures/families]

Needs torch, transformers (5.x), safetensors and gguf. For each fixture it writes a folder with

* an HF checkpoint: config.json (the classic keys real checkpoints carry), model.safetensors,
  tokenizer.json, tokenizer_config.json;
* one or more GGUF files written with the `gguf` package the way llama.cpp's converter lays
  them out (tensor names, llama's permuted query/key rows, Gemma's norms stored as 1 + w);
* reference.json: the token ids of a fixed text and transformers' float32 per-token NLL of the
  unmodified model read back from the HF folder, the NLL of each GGUF file (its weights
  dequantised and run through transformers) and, for the llama fixture, transformers' own
  linear, dynamic, yarn and llama3 rope scalings (and linear for gemma3, on its global layers).

Weights are rounded to the storage precision before the references are computed, so every file
holds exactly the weights the reference used.
"""
import argparse
import json
import math
import os
import shutil

import numpy as np
import torch
from safetensors.torch import save_file
import gguf
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

TEXT = ("The quick brown fox jumps over the lazy dog while the old man reads his paper in the park. "
        "Long context models read inputs longer than their training window; the attention sees every "
        "token and the position of each one matters for the answer.")
MAX_TOKENS = 96

# ---- tiny byte-level BPE vocabulary (3 control tokens, 256 bytes, 41 merges) -------------------
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MERGES = [("Ġ", "t"), ("Ġ", "a"), ("i", "n"), ("h", "e"), ("Ġt", "he"), ("e", "r"), ("o", "n"), ("r", "e"),
          ("a", "n"), ("Ġ", "s"), ("e", "n"), ("a", "t"), ("o", "r"), ("Ġ", "w"), ("Ġ", "o"), ("e", "s"),
          ("i", "s"), ("Ġ", "c"), ("Ġ", "b"), ("l", "l"), ("i", "t"), ("Ġ", "f"), ("Ġ", "p"), ("in", "g"),
          ("Ġ", "m"), ("a", "r"), ("e", "d"), ("Ġ", "h"), ("o", "u"), ("Ġ", "d"), ("Ġo", "f"), ("Ġ", "i"),
          ("Ġa", "n"), ("Ġan", "d"), ("Ġt", "o"), ("Ġi", "s"), ("Ġi", "n"), ("l", "e"), ("Ġ", "l"), ("t", "h"),
          ("Ġ", "Ġ")]
CHAT_TEMPLATE = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
                 "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def byte_symbols():
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    symbols = [0] * 256
    for b in printable:
        symbols[b] = b
    n = 256
    for b in range(256):
        if b not in printable:
            symbols[b] = n
            n += 1
    return [chr(s) for s in symbols]


TOKENS = SPECIALS + byte_symbols() + [a + b for a, b in MERGES]
VOCAB = len(TOKENS)


def write_tokenizer(folder):
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, t in enumerate(SPECIALS)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": {t: i for i, t in enumerate(TOKENS)}, "merges": [f"{a} {b}" for a, b in MERGES]},
    }
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
    config = {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "unk_token": "<|endoftext|>",
              "pad_token": "<|im_end|>", "add_prefix_space": False, "model_max_length": 8192,
              "tokenizer_class": "GPT2Tokenizer", "chat_template": CHAT_TEMPLATE}
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(config, f, indent=1)


def add_gguf_tokenizer(writer):
    writer.add_string("tokenizer.ggml.model", "gpt2")
    writer.add_string("tokenizer.ggml.pre", "smollm")
    writer.add_array("tokenizer.ggml.tokens", TOKENS)
    writer.add_array("tokenizer.ggml.token_type", [3 if i < len(SPECIALS) else 1 for i in range(VOCAB)])
    writer.add_array("tokenizer.ggml.merges", [f"{a} {b}" for a, b in MERGES])
    writer.add_uint32("tokenizer.ggml.bos_token_id", 1)
    writer.add_uint32("tokenizer.ggml.eos_token_id", 2)
    writer.add_uint32("tokenizer.ggml.unknown_token_id", 0)
    writer.add_uint32("tokenizer.ggml.padding_token_id", 2)
    writer.add_bool("tokenizer.ggml.add_bos_token", False)
    writer.add_string("tokenizer.chat_template", CHAT_TEMPLATE)


# ---- fixtures -----------------------------------------------------------------------------------
BASE = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, rms_norm_eps=1e-6, max_position_embeddings=4096, rope_theta=10000.0,
            tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, pad_token_id=2, torch_dtype="float32")

# name: (HF config, safetensors dtype, [(gguf file, ggml matrix type)])
FIXTURES = {
    "llama": (dict(BASE, architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu", head_dim=16,
                   attention_bias=False, mlp_bias=False),
              "float32", [("model-f16.gguf", "F16"), ("model-q8_0.gguf", "Q8_0")]),
    "llama2": (dict(BASE, architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu",
                    num_key_value_heads=4, tie_word_embeddings=False, rms_norm_eps=1e-5),
               "float16", [("model-f16.gguf", "F16")]),
    "llama3": (dict(BASE, architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu", head_dim=32,
                    rope_theta=500000.0, max_position_embeddings=512,
                    rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 64}),
               "bfloat16", [("model-q4_0.gguf", "Q4_0")]),
    "mistral": (dict(BASE, architectures=["MistralForCausalLM"], model_type="mistral", hidden_act="silu",
                     sliding_window=16, head_dim=16),
                "float16", [("model-f16.gguf", "F16")]),
    "qwen2": (dict(BASE, architectures=["Qwen2ForCausalLM"], model_type="qwen2", hidden_act="silu",
                   tie_word_embeddings=True, use_sliding_window=False, rope_theta=1000000.0),
              "float16", [("model-f16.gguf", "F16"), ("model-q8_0.gguf", "Q8_0")]),
    "qwen3": (dict(BASE, architectures=["Qwen3ForCausalLM"], model_type="qwen3", hidden_act="silu", head_dim=32,
                   attention_bias=False, tie_word_embeddings=True, rope_theta=1000000.0),
              "bfloat16", [("model-q8_0.gguf", "Q8_0")]),
    "gemma": (dict(BASE, architectures=["GemmaForCausalLM"], model_type="gemma", hidden_act="gelu_pytorch_tanh",
                   hidden_activation="gelu_pytorch_tanh", head_dim=32, num_key_value_heads=1,
                   tie_word_embeddings=True),
              "float16", [("model-f16.gguf", "F16")]),
    "gemma2": (dict(BASE, architectures=["Gemma2ForCausalLM"], model_type="gemma2",
                    hidden_activation="gelu_pytorch_tanh", head_dim=32, tie_word_embeddings=True,
                    query_pre_attn_scalar=24, sliding_window=16, attn_logit_softcapping=3.0,
                    final_logit_softcapping=4.0),
               "float16", [("model-f16.gguf", "F16")]),
    "gemma3": (dict(BASE, architectures=["Gemma3ForCausalLM"], model_type="gemma3_text",
                    hidden_activation="gelu_pytorch_tanh", head_dim=32, tie_word_embeddings=True,
                    query_pre_attn_scalar=24, sliding_window=16, rope_theta=1000000.0, rope_local_base_freq=10000.0,
                    num_hidden_layers=6, hidden_size=32, intermediate_size=64, sliding_window_pattern=6,
                    attn_logit_softcapping=None, final_logit_softcapping=None, rope_scaling=None),
               "float16", [("model-f16.gguf", "F16")]),
    "phi3": (dict(BASE, architectures=["Phi3ForCausalLM"], model_type="phi3", hidden_act="silu",
                  max_position_embeddings=4096, original_max_position_embeddings=4096, sliding_window=None,
                  partial_rotary_factor=1.0),
             "float16", [("model-f16.gguf", "F16")]),
    "phi3_longrope": (dict(BASE, architectures=["Phi3ForCausalLM"], model_type="phi3", hidden_act="silu",
                           max_position_embeddings=128, original_max_position_embeddings=32, sliding_window=None,
                           rope_scaling={"type": "longrope",
                                         "long_factor": [1.0, 1.2, 1.5, 2.0, 3.0, 4.5, 6.0, 8.0],
                                         "short_factor": [1.0, 1.0, 1.1, 1.1, 1.2, 1.3, 1.4, 1.5]}),
                      "float16", [("model-f16.gguf", "F16")]),
}

# transformers' own rope scalings run on the llama fixture's weights, with a short trained window.
SCALINGS = {
    "linear": {"rope_type": "linear", "factor": 4.0},
    "dynamic": {"rope_type": "dynamic", "factor": 4.0},
    "yarn": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32},
    "llama3": {"rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 32},
}
SCALED_WINDOW = 32
# Gemma 3 applies a checkpoint's rope scaling to its global layers only, the rule the engine
# follows for every method on families with local layers.
SCALED_FAMILIES = {"llama": SCALINGS, "gemma3": {"linear": SCALINGS["linear"]}}

GGUF_ARCH = {"llama": "llama", "llama2": "llama", "llama3": "llama", "mistral": "llama", "qwen2": "qwen2",
             "qwen3": "qwen3", "gemma": "gemma", "gemma2": "gemma2", "gemma3": "gemma3", "phi3": "phi3",
             "phi3_longrope": "phi3"}


def round_to(tensor, dtype):
    return tensor.to(dtype).to(torch.float32)


def random_weights(model, dtype, family, generator):
    """Realistic-scale random weights: matrices ~ U(±sqrt(3/fan_in)), embedding ~ N(0, 1)
    (smaller when tied), norms near
    their identity (1, or 0 for Gemma's 1 + w), biases ~ N(0, 0.3)."""
    storage = getattr(torch, dtype)
    gemma = family.startswith("gemma")
    state = {}
    for name, parameter in model.state_dict().items():
        shape = parameter.shape
        if name.endswith("norm.weight"):
            centre = 0.0 if gemma else 1.0
            value = centre + 0.4 * (torch.rand(shape, generator=generator) - 0.5)
        elif name.endswith(".bias"):
            value = 0.3 * torch.randn(shape, generator=generator)
        elif "embed_tokens" in name:
            # a tied embedding is also the output head: keep its logits near unit scale
            tied = model.config.tie_word_embeddings
            value = torch.randn(shape, generator=generator) * (0.15 if gemma else 0.25 if tied else 1.0)
        else:
            bound = math.sqrt(3.0 / shape[1])
            value = bound * 2 * (torch.rand(shape, generator=generator) - 0.5)
        state[name] = round_to(value, storage)
    return state


def nll_of(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].double()
    logp = torch.log_softmax(logits, dim=-1)
    return [float(-logp[i, ids[i + 1]]) for i in range(len(ids) - 1)]


def load(folder, **overrides):
    return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager",
                                                **overrides).eval()


def permute_rotary(weight, heads):
    """llama.cpp's converter: half-split rows -> adjacent pairs, per head (for arch llama)."""
    rows, columns = weight.shape
    return weight.reshape(heads, 2, rows // heads // 2, columns).swapaxes(1, 2).reshape(rows, columns)


def gguf_tensors(family, config, state):
    """(name, array) in llama.cpp's layout for `family`, from HF-named float32 tensors."""
    arch = GGUF_ARCH[family]
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    gemma = family.startswith("gemma")
    names = {
        "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output", "self_attn.qkv_proj": "attn_qkv", "self_attn.q_norm": "attn_q_norm",
        "self_attn.k_norm": "attn_k_norm", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
        "mlp.gate_up_proj": "ffn_up", "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm",
        "pre_feedforward_layernorm": "ffn_norm", "post_feedforward_layernorm": "post_ffw_norm",
    }
    names["post_attention_layernorm"] = "post_attention_norm" if family in ("gemma2", "gemma3") else "ffn_norm"
    out = []
    for name, tensor in state.items():
        array = tensor.numpy().astype(np.float32)
        if name == "model.embed_tokens.weight":
            gname = "token_embd.weight"
        elif name == "model.norm.weight":
            gname = "output_norm.weight"
        elif name == "lm_head.weight":
            if config.get("tie_word_embeddings"):
                continue
            gname = "output.weight"
        else:
            parts = name.split(".")  # model.layers.N.<module...>.weight|bias
            layer, module, kind = parts[2], ".".join(parts[3:-1]), parts[-1]
            gname = f"blk.{layer}.{names[module]}.{kind}"
            if arch == "llama" and module == "self_attn.q_proj":
                array = permute_rotary(array, heads)
            if arch == "llama" and module == "self_attn.k_proj":
                array = permute_rotary(array, kv_heads)
        if gemma and name.endswith("norm.weight"):
            array = array + 1.0
        out.append((gname, array))
    return out


def quantized(array, kind):
    """The array as stored in `kind` and the float32 values that storage decodes to."""
    qtype = getattr(gguf.GGMLQuantizationType, kind)
    if array.ndim == 1 or kind == "F32":
        return array.astype(np.float32), array.astype(np.float32), gguf.GGMLQuantizationType.F32
    if kind == "F16":
        stored = array.astype(np.float16)
        return stored, stored.astype(np.float32), qtype
    stored = gguf.quants.quantize(array, qtype)
    return stored, gguf.quants.dequantize(stored, qtype).reshape(array.shape).astype(np.float32), qtype


def llama3_rope_factors(config):
    scaling = config["rope_scaling"]
    dim = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
    base = config["rope_theta"]
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    original = scaling["original_max_position_embeddings"]
    factors = []
    for i in range(0, dim, 2):
        wavelength = 2 * math.pi * base ** (i / dim)
        if wavelength < original / high:
            factors.append(1.0)
        elif wavelength > original / low:
            factors.append(factor)
        else:
            smooth = (original / wavelength - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def write_gguf(path, family, config, tensors, kind):
    """Writes the GGUF file; returns HF-named float32 tensors holding what the file decodes to."""
    arch = GGUF_ARCH[family]
    writer = gguf.GGUFWriter(path, arch)
    head_dim = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
    writer.add_name(f"tiny-{family}")
    writer.add_uint32(f"{arch}.context_length", config["max_position_embeddings"])
    writer.add_uint32(f"{arch}.embedding_length", config["hidden_size"])
    writer.add_uint32(f"{arch}.block_count", config["num_hidden_layers"])
    writer.add_uint32(f"{arch}.feed_forward_length", config["intermediate_size"])
    writer.add_uint32(f"{arch}.attention.head_count", config["num_attention_heads"])
    writer.add_uint32(f"{arch}.attention.head_count_kv", config["num_key_value_heads"])
    writer.add_uint32(f"{arch}.attention.key_length", head_dim)
    writer.add_uint32(f"{arch}.attention.value_length", head_dim)
    writer.add_uint32(f"{arch}.rope.dimension_count", head_dim)
    writer.add_uint32(f"{arch}.vocab_size", VOCAB)
    writer.add_float32(f"{arch}.rope.freq_base", config["rope_theta"])
    writer.add_float32(f"{arch}.attention.layer_norm_rms_epsilon", config["rms_norm_eps"])
    if config.get("sliding_window"):
        writer.add_uint32(f"{arch}.attention.sliding_window", config["sliding_window"])
    if config.get("attn_logit_softcapping"):
        writer.add_float32(f"{arch}.attn_logit_softcapping", config["attn_logit_softcapping"])
    if config.get("final_logit_softcapping"):
        writer.add_float32(f"{arch}.final_logit_softcapping", config["final_logit_softcapping"])
    if config.get("query_pre_attn_scalar"):
        writer.add_float32(f"{arch}.attention.scale", config["query_pre_attn_scalar"] ** -0.5)
    if config.get("rope_local_base_freq"):
        writer.add_float32(f"{arch}.rope.freq_base_swa", config["rope_local_base_freq"])
    writer.add_uint32("general.file_type", 1)
    add_gguf_tokenizer(writer)
    decoded = {}
    for name, array in tensors:
        stored, values, qtype = quantized(array, kind if name != "rope_freqs.weight" else "F32")
        writer.add_tensor(name, stored, raw_dtype=qtype)
        decoded[name] = values
    if (config.get("rope_scaling") or {}).get("rope_type") == "llama3":
        writer.add_tensor("rope_freqs.weight", llama3_rope_factors(config))
    if (config.get("rope_scaling") or {}).get("type") == "longrope":
        # llama.cpp's layout: factor tensors, the original window and the attention factor.
        scaling, original = config["rope_scaling"], config["original_max_position_embeddings"]
        scale = config["max_position_embeddings"] / original
        writer.add_tensor("rope_factors_long.weight", np.array(scaling["long_factor"], dtype=np.float32))
        writer.add_tensor("rope_factors_short.weight", np.array(scaling["short_factor"], dtype=np.float32))
        writer.add_uint32(f"{arch}.rope.scaling.original_context_length", original)
        writer.add_float32(f"{arch}.rope.scaling.attn_factor", math.sqrt(1 + math.log(scale) / math.log(original)))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return decoded


def hf_state_from_gguf(family, config, decoded, template):
    """Inverts gguf_tensors on decoded values, giving a state dict for transformers."""
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    arch = GGUF_ARCH[family]
    state = {}
    for name, tensor in template.items():
        for gname, _ in gguf_tensors(family, config, {name: tensor}):
            value = decoded[gname].copy()
            if family.startswith("gemma") and name.endswith("norm.weight"):
                value = value - 1.0
            if arch == "llama" and name.endswith("q_proj.weight"):
                value = unpermute_rotary(value, heads)
            if arch == "llama" and name.endswith("k_proj.weight"):
                value = unpermute_rotary(value, kv_heads)
            state[name] = torch.from_numpy(value)
        if name == "lm_head.weight" and config.get("tie_word_embeddings"):
            state[name] = torch.from_numpy(decoded["token_embd.weight"].copy())
    return state


def unpermute_rotary(weight, heads):
    rows, columns = weight.shape
    return weight.reshape(heads, rows // heads // 2, 2, columns).swapaxes(1, 2).reshape(rows, columns)


def make(family, out, ids):
    config, dtype, ggufs = FIXTURES[family]
    config = {k: v for k, v in config.items() if v is not None or k in ("rope_scaling",)}
    folder = os.path.join(out, family)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=1, sort_keys=True)
    write_tokenizer(folder)
    skeleton = AutoModelForCausalLM.from_config(
        __import__("transformers").AutoConfig.from_pretrained(folder), dtype=torch.float32)
    generator = torch.Generator().manual_seed(sum(map(ord, family)))
    state = random_weights(skeleton, dtype, family, generator)
    tied = config.get("tie_word_embeddings")
    saved = {k: v.to(getattr(torch, dtype)).contiguous() for k, v in state.items() if not (tied and k == "lm_head.weight")}
    save_file(saved, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})

    model = load(folder)
    reference = {"family": family, "text": TEXT, "tokens": ids, "safetensors_dtype": dtype}
    reference["hf"] = nll_entry(nll_of(model, ids))
    # the loaded weights must be exactly what we generated
    loaded = model.state_dict()
    assert all(torch.equal(loaded[k], state[k]) for k in saved), family

    reference["gguf"] = {}
    for file_name, kind in ggufs:
        decoded = write_gguf(os.path.join(folder, file_name), family, config, gguf_tensors(family, config, state), kind)
        gguf_model = load(folder)
        gguf_model.load_state_dict(hf_state_from_gguf(family, config, decoded, state), strict=False)
        if tied:
            gguf_model.tie_weights()
        reference["gguf"][file_name] = nll_entry(nll_of(gguf_model, ids))

    if family in SCALED_FAMILIES:
        reference["scalings"] = {}
        for name, scaling in SCALED_FAMILIES[family].items():
            # yarn and llama3 declare the original window inside the scaling; the model's own
            # window is then the extended one, as in released checkpoints.
            window = SCALED_WINDOW * 4 if "original_max_position_embeddings" in scaling else SCALED_WINDOW
            scaled_config = dict(config, rope_scaling=scaling, max_position_embeddings=window)
            scaled_folder = os.path.join(out, ".scaled")
            shutil.rmtree(scaled_folder, ignore_errors=True)
            os.makedirs(scaled_folder)
            with open(os.path.join(scaled_folder, "config.json"), "w") as f:
                json.dump(scaled_config, f)
            shutil.copy(os.path.join(folder, "model.safetensors"), scaled_folder)
            entry = nll_entry(nll_of(load(scaled_folder), ids))
            entry["rope_scaling"] = scaling
            entry["max_position_embeddings"] = window
            reference["scalings"][name] = entry
            shutil.rmtree(scaled_folder)
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
    mean = reference["hf"]["mean_nll"]
    spread = np.std(reference["hf"]["nll"])
    print(f"{family}: mean NLL {mean:.4f} (token spread {spread:.3f}), ggufs {list(reference['gguf'])}")


def nll_entry(values):
    return {"mean_nll": float(np.mean(values)), "nll": values}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="Tests/Fixtures/families")
    parser.add_argument("families", nargs="*", default=list(FIXTURES))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    probe = os.path.join(args.out, ".tokenizer")
    os.makedirs(probe, exist_ok=True)
    write_tokenizer(probe)
    ids = PreTrainedTokenizerFast(tokenizer_file=os.path.join(probe, "tokenizer.json"))(TEXT)["input_ids"][:MAX_TOKENS]
    shutil.rmtree(probe)
    for family in args.families:
        make(family, args.out, ids)


if __name__ == "__main__":
    main()
