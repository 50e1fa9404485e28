#!/usr/bin/env python3
"""Builds the per-family tokenizer fixtures in Tests/Fixtures/tokenizers/ (run by hand, not by CI).

For each family a small vocabulary is trained with the Hugging Face `tokenizers` library using that
family's real normalizer / pre-tokenizer / decoder configuration, and saved as
  <family>/tokenizer.json, <family>/tokenizer_config.json   (the Hugging Face side) and
  <family>.gguf                                             (the same vocabulary as GGUF tokenizer.ggml.* metadata,
                                                             written with the `gguf` package as llama.cpp's converter does).
expected.json records, per family, the ids and decoded text that `tokenizers` produces for fixed texts, and the
prompts that transformers' `apply_chat_template` renders with the family's chat template.

The vocabularies are trained on the repository's documentation and tokenizer sources as they are when the script
runs, so re-running it changes the fixtures and their expected values together.

Usage: python3 scripts/make-tokenizer-fixtures.py   (needs tokenizers, transformers, gguf)
"""
import json, os, glob
from tokenizers import Tokenizer, models, trainers, pre_tokenizers, normalizers, decoders, processors, Regex, AddedToken
import gguf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "tokenizers")

def corpus():
    lines = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Documentation", "*.md")))[:6]:
        lines += open(path, encoding="utf-8").read().splitlines()
    for path in sorted(glob.glob(os.path.join(ROOT, "Sources", "Transformer", "Tokenizer", "*.swift")))[:6]:
        lines += open(path, encoding="utf-8").read().splitlines()
    lines += [
        "Der schnelle braune Fuchs springt über den faulen Hund. Größe, Straße, Äpfel.",
        "Le cœur a ses raisons que la raison ne connaît point. Où est l'hôtel ?",
        "Быстрая коричневая лиса прыгает через ленивую собаку.",
        "数学是科学的语言。我们今天学习分词器。", "日本語のテキストも少し含めます。", "한국어 문장도 있습니다.",
        "In 2024, 3.14159 × 10^5 = 314159; 1,000,000 tokens cost $12.50 (about €11).",
        "def f(x):\n    return x ** 2 + 1  # comment\n\tif x != 0: pass",
        "I'm sure they'll say it's fine, we've done it, you'd agree. DON'T SHOUT, I'LL know.",
    ] * 3
    return lines

TEXTS = [
    "Hello world! The model reads 12,345 tokens in 0.75 s — that's 16,460/s.",
    "  leading spaces, trailing spaces   \n\nnew lines\ttabs\r\nCRLF",
    "Über naïve café: Größe ≠ size; Быстрая лиса; 数学是科学的语言。日本語！ 한국어 🙂👍🏽 العربية ١٢٣",
    "func add(_ a: Int, _ b: Int) -> Int {\n    return a + b // 2+2=4\n}\nlet xs = [1, 22, 333, 4444, 55555]",
    "I'M here, you're THERE; they'LL see. It's 2024-12-07T10:05:00Z.",
    "ꙮ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ℌ Ⅻ ½ ² \u00a0nbsp\u3000ideographic \u200bzero-width",
    "",
    " ",
    "a",
]

def train(tok, trainer):
    tok.train_from_iterator(corpus(), trainer)
    return tok

LLAMA3_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN35_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
DEEPSEEK_LLM = [
    "[\r\n]",
    "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝ\u1f5f-\u1f7dᾀ-ᾴᾶ-ᾼ\u1fbeῂ-ῄῆ-ῌῐ-\u1fd3ῖ-\u1fdbῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u2126ℨ\u212a-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
    "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
    "\\s+$",
    "[一-龥ࠀ-一가-퟿]+",
    "\\p{N}+",
]
DEEPSEEK_CODER = ["[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}"]
TEKKEN = [r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"]
FALCON = ["[\\p{P}\\$\\+<=>\\^~\\|`]+", "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)", "[0-9][0-9][0-9]"]

def byte_level(name, regexes, specials, bos, normalizer=None, ignore_merges=False, gguf_pre=None):
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if normalizer: tok.normalizer = normalizer
    steps = [pre_tokenizers.Split(Regex(r), behavior="isolated", invert=False) for r in regexes]
    tok.pre_tokenizer = pre_tokenizers.Sequence(steps + [pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    train(tok, trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tok.token_to_id(bos))])
    return tok

def sentencepiece(style, specials, user_tokens=()):
    """A SentencePiece-style BPE vocabulary: control tokens first, then the 256 byte-fallback tokens, then the
    trained pieces, as in Llama 2 / Gemma / Phi-3 / Mistral files."""
    probe = Tokenizer(models.BPE(unk_token="<unk>"))
    probe.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    probe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=[], limit_alphabet=120, show_progress=False)
    train(probe, trainer)
    trained = json.loads(probe.to_str())["model"]
    vocab = {}
    for s in specials: vocab[s] = len(vocab)
    for b in range(256): vocab["<0x%02X>" % b] = len(vocab)
    for piece, _ in sorted(trained["vocab"].items(), key=lambda kv: kv[1]):
        if piece not in vocab: vocab[piece] = len(vocab)
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ", 1)) for m in trained["merges"]]
    unk = "<unk>" if "<unk>" in vocab else None
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token=unk, fuse_unk=True, byte_fallback=True))
    if style == "legacy":      # Llama 2, Phi-3: Prepend + Replace normalizer, no pre-tokenizer, Strip decoder
        tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
        tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    elif style == "metaspace":  # Mistral v0.3 and transformers' own Llama conversion
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
        tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    elif style == "gemma":      # Gemma 1/2/3: spaces replaced, no prefix, no strip
        tok.normalizer = normalizers.Replace(" ", "▁")
        tok.pre_tokenizer = pre_tokenizers.Split(" ", behavior="merged_with_previous", invert=False)
        tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    for t in user_tokens:
        tok.add_special_tokens([AddedToken(t["content"], special=True, normalized=False, rstrip=t.get("rstrip", False))])
    return tok, merges

LLAMA3_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
LLAMA2_TEMPLATE = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
MISTRAL_TEMPLATE = "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content'] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n\n{{- bos_token }}\n{%- for message in loop_messages %}\n    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}\n    {%- endif %}\n    {%- if message['role'] == 'user' %}\n        {%- if loop.first and system_message is defined %}\n            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n        {%- endif %}\n    {%- elif message['role'] == 'assistant' %}\n        {{- ' ' + message['content'] + eos_token}}\n    {%- else %}\n        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}\n    {%- endif %}\n{%- endfor %}\n"
QWEN2_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
GEMMA_TEMPLATE = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"
PHI3_TEMPLATE = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"

QWEN25_TEMPLATE = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""

CONVERSATIONS = {
    "system_user": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "  What is 2+2? "}],
    "user_only": [{"role": "user", "content": "Hello there!"}],
    "multi_turn": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " Hello! "}, {"role": "user", "content": "Bye"}],
    "tool_result": [{"role": "user", "content": "Weather?"}, {"role": "tool", "content": "{\"t\": 21}"}, {"role": "tool", "content": "sunny"}],
}

def write_gguf(path, tok_json, model, pre, add_bos, add_space_prefix=None, template=None, eot=None):
    vocab = tok_json["model"]["vocab"]
    added = {t["id"]: t for t in tok_json["added_tokens"]}
    size = max(list(vocab.values()) + list(added.keys())) + 1
    tokens, types, scores = [""] * size, [gguf.TokenType.UNUSED] * size, [0.0] * size
    for text, i in vocab.items():
        tokens[i] = text
        types[i] = gguf.TokenType.NORMAL
        scores[i] = -float(i)
    for i, t in added.items():
        tokens[i] = t["content"]
        types[i] = gguf.TokenType.CONTROL if t["special"] else gguf.TokenType.USER_DEFINED
    if model == "llama":
        for i, text in enumerate(tokens):
            if text.startswith("<0x") and len(text) == 6: types[i] = gguf.TokenType.BYTE
            if text == "<unk>": types[i] = gguf.TokenType.UNKNOWN
    w = gguf.GGUFWriter(path, arch="llama")
    w.add_tokenizer_model(model)
    if pre: w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    if model == "llama":
        w.add_token_scores(scores)
    else:
        w.add_token_merges([" ".join(m) if isinstance(m, list) else m for m in tok_json["model"]["merges"]])
    def find(name):
        return next((i for i, t in enumerate(tokens) if t == name), None)
    for key, name in (("bos", tok_json.get("_bos")), ("eos", tok_json.get("_eos"))):
        if name is not None and find(name) is not None:
            getattr(w, f"add_{key}_token_id")(find(name))
    if find("<unk>") is not None: w.add_unk_token_id(find("<unk>"))
    w.add_add_bos_token(add_bos)
    if add_space_prefix is not None: w.add_add_space_prefix(add_space_prefix)
    if template: w.add_chat_template(template)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()

def main():
    from transformers import PreTrainedTokenizerFast
    os.makedirs(OUT, exist_ok=True)
    families = {}
    def add(name, tok, config, gguf_args, template=None, text_cases=TEXTS):
        d = os.path.join(OUT, name); os.makedirs(d, exist_ok=True)
        tok.save(os.path.join(d, "tokenizer.json"))
        if template: config["chat_template"] = template
        json.dump(config, open(os.path.join(d, "tokenizer_config.json"), "w"), ensure_ascii=False, indent=1)
        tj = json.loads(tok.to_str()); tj["_bos"] = config.get("bos_token"); tj["_eos"] = config.get("eos_token")
        write_gguf(os.path.join(OUT, name + ".gguf"), tj, template=template, **gguf_args)
        cases = []
        specials = [t["content"] for t in tj["added_tokens"]]
        extra = [f"{specials[0]}Hello{specials[-1]} world", f"x {specials[-1]}  y{specials[0]}"] if specials else []
        for text in text_cases + extra:
            ids = tok.encode(text, add_special_tokens=False).ids
            with_specials = tok.encode(text, add_special_tokens=True).ids
            cases.append({"text": text, "ids": ids, "ids_with_special_tokens": with_specials,
                          "decoded": tok.decode(ids, skip_special_tokens=False),
                          "decoded_skipping_special": tok.decode(ids, skip_special_tokens=True)})
        entry = {"cases": cases}
        if template:
            fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=config.get("bos_token"), eos_token=config.get("eos_token"))
            fast.chat_template = template
            chats = {}
            for key, messages in CONVERSATIONS.items():
                try:
                    chats[key] = fast.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
                except Exception as error:  # the template rejects this conversation
                    chats[key] = {"error": str(error)}
            entry["chat"] = chats
        families[name] = entry

    t = byte_level("llama3", [LLAMA3_REGEX], ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"], "<|begin_of_text|>", ignore_merges=True)
    add("llama3", t, {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "add_bos_token": True}, dict(model="gpt2", pre="llama-bpe", add_bos=True), LLAMA3_TEMPLATE)
    t = byte_level("qwen2", [QWEN2_REGEX], ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], None, normalizer=normalizers.NFC())
    add("qwen2", t, {"eos_token": "<|im_end|>", "add_bos_token": False}, dict(model="gpt2", pre="qwen2", add_bos=False), QWEN2_TEMPLATE)
    t = byte_level("qwen35", [QWEN35_REGEX], ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], None, normalizer=normalizers.NFC())
    add("qwen35", t, {"eos_token": "<|im_end|>", "add_bos_token": False}, dict(model="gpt2", pre="qwen35", add_bos=False), QWEN25_TEMPLATE)
    t = byte_level("deepseek-llm", DEEPSEEK_LLM, ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"], "<｜begin▁of▁sentence｜>")
    add("deepseek-llm", t, {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}, dict(model="gpt2", pre="deepseek-llm", add_bos=True))
    t = byte_level("deepseek-coder", DEEPSEEK_CODER, ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"], "<｜begin▁of▁sentence｜>")
    add("deepseek-coder", t, {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}, dict(model="gpt2", pre="deepseek-coder", add_bos=True))
    t = byte_level("falcon", FALCON, ["<|endoftext|>", ">>ABSTRACT<<"], None)
    add("falcon", t, {"eos_token": "<|endoftext|>", "add_bos_token": False}, dict(model="gpt2", pre="falcon", add_bos=False))

    t = byte_level("tekken", TEKKEN, ["<unk>", "<s>", "</s>", "[INST]", "[/INST]"], "<s>", ignore_merges=True)
    add("tekken", t, {"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": True}, dict(model="gpt2", pre="tekken", add_bos=True))

    t, _ = sentencepiece("legacy", ["<unk>", "<s>", "</s>"])
    t.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)])
    add("llama2", t, {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True}, dict(model="llama", pre="default", add_bos=True, add_space_prefix=True), LLAMA2_TEMPLATE)
    t, _ = sentencepiece("metaspace", ["<unk>", "<s>", "</s>"], [{"content": "[INST]"}, {"content": "[/INST]"}])
    t.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)])
    add("mistral", t, {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True}, dict(model="llama", pre="default", add_bos=True, add_space_prefix=True), MISTRAL_TEMPLATE)
    t, _ = sentencepiece("gemma", ["<pad>", "<eos>", "<bos>", "<unk>"], [{"content": "<start_of_turn>"}, {"content": "<end_of_turn>"}])
    t.post_processor = processors.TemplateProcessing(single="<bos> $A", pair="<bos> $A <bos> $B", special_tokens=[("<bos>", 2)])
    add("gemma", t, {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "add_bos_token": True}, dict(model="llama", pre="default", add_bos=True, add_space_prefix=False), GEMMA_TEMPLATE)
    t, _ = sentencepiece("legacy", ["<unk>", "<s>", "</s>"], [{"content": c, "rstrip": True} for c in ["<|endoftext|>", "<|assistant|>", "<|end|>", "<|system|>", "<|user|>"]])
    t.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)])
    add("phi3", t, {"bos_token": "<s>", "eos_token": "<|endoftext|>", "unk_token": "<unk>", "add_bos_token": True}, dict(model="llama", pre="default", add_bos=True, add_space_prefix=True), PHI3_TEMPLATE)

    json.dump(families, open(os.path.join(OUT, "expected.json"), "w"), ensure_ascii=False, indent=1)

if __name__ == "__main__":
    main()
