#!/usr/bin/env python3
"""Issue 14's speed and memory figures, measured as ratios in one interleaved run.

Usage:
  LLAMA_CPP_BIN=/path/to/llama.cpp/build/bin scripts/sidebyside.py GALI [--baseline OLD_GALI] [--rounds N]
      [--threads T] [--text FILE] [--only NAME ...] [--new-options "OPTIONS"] [--simultaneous]

GALI is a release build of `gali`; OLD_GALI a release build of an older commit (e.g. 8b1b7f3) for
A/B figures; --save keeps each 16k score's output (the command on the first line, then the
JSON with per-token NLL); --new-options are added to every run of GALI (e.g. "--kv-type q8_0"). LLAMA_CPP_BIN is the directory holding llama.cpp's `llama-bench` and `llama-quantize`
(without it the llama.cpp figures are skipped). Each figure runs the tools alternately, ROUNDS
times, and prints one JSON line: both medians, every run, and the ratio. The machine load
(`/proc/loadavg`) is printed before and after each figure. MODEL overrides the model file
(default: the fetched SmolLM2 Q4_1); llama.cpp runs on Q4_0 requantized from it (its fastest CPU
format, repacked at load time), `gali` on the model file itself.

--simultaneous runs the two commands of each 16k-score figure at the same time, one thread each
(one per core), instead of one after the other with T threads: on a machine whose speed drifts by
several percent from run to run, both then see the same machine state and their ratio is steadier.
Decode figures stay sequential (the command whose prefill ends first would decode alone).
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import time

CACHE = os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache"))
MODEL = os.environ.get("MODEL", os.path.join(CACHE, "swift-gali/models/SmolLM2-135M-Instruct.Q4_1.gguf"))


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def measured(command):
    """Runs command; returns (stdout, wall seconds, peak RSS in MB) from GNU time."""
    start = time.time()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    wall = time.time() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return result.stdout, wall, peak_kb / 1024


def gali_bench(binary, prompt, gen, threads, extra=()):
    out, _, _ = measured([binary, "bench", "--model", MODEL, "--prompt-tokens", str(prompt), "--gen-tokens", str(gen),
                          "--threads", str(threads), "--repeat", "1", "--json", *extra])
    return json.loads(out[out.index("{"):])


def llama_bench(bin_dir, model, prompt, gen, depth, threads):
    out = subprocess.run([os.path.join(bin_dir, "llama-bench"), "-m", model, "-t", str(threads), "-p", str(prompt),
                          "-n", str(gen), "-d", str(depth), "-r", "1", "-o", "json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)[0]["avg_ts"]


def figure(names, rounds, first, second, labels, together=False):
    """Alternates first() and second() rounds times (or, together, starts both at once each
    round); each returns one number per name. Prints, per name, both medians and second/first."""
    before = load()
    a, b = [], []
    for _ in range(rounds):
        if together:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                pending = pool.submit(first), pool.submit(second)
                a.append(pending[0].result())
                b.append(pending[1].result())
        else:
            a.append(first())
            b.append(second())
    after = load()
    for index, name in enumerate(names):
        xs, ys = [run[index] for run in a], [run[index] for run in b]
        ma, mb = statistics.median(xs), statistics.median(ys)
        print(json.dumps({"figure": name, labels[0]: round(ma, 2), labels[1]: round(mb, 2),
                          "ratio": round(mb / ma, 3) if ma else None, labels[0] + "_runs": xs, labels[1] + "_runs": ys,
                          "simultaneous": together, "load_before": before, "load_after": after}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gali")
    parser.add_argument("--baseline")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--text", default="/work/shared/data/reference/haystack.txt",
                        help="text of at least 16,384 tokens for the score figures")
    parser.add_argument("--only", nargs="*", help="figure groups: llama, baseline, gali")
    parser.add_argument("--save", help="folder for the JSON output of every 16k score run (per-token NLL)")
    parser.add_argument("--simultaneous", action="store_true",
                        help="run the two 16k scores of a figure at once, one thread each")
    parser.add_argument("--new-options", default="",
                        help="extra options for every run of GALI, e.g. \"--kv-type q8_0\" (space-separated)")
    args = parser.parse_args()
    groups = set(args.only or ["llama", "baseline", "gali"])
    t, r, new = args.threads, args.rounds, args.gali
    new_options = tuple(args.new_options.split())

    def options(binary, extra):
        return tuple(extra) + (new_options if binary == new else ())

    def bench(binary, prompt, gen, key, extra=()):
        return lambda: [gali_bench(binary, prompt, gen, t, options(binary, extra))[key]]

    runs = iter(range(1_000_000))

    def score(binary, extra=()):
        """(wall seconds, peak MB) of a 16k score."""
        def run():
            command = [binary, "score", "--model", MODEL, "--file", args.text, "--max-tokens", "16384",
                       "--threads", "1" if args.simultaneous else str(t), "--json", *options(binary, extra)]
            out, wall, peak = measured(command)
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                with open(os.path.join(args.save, f"score-{next(runs):02d}.json"), "w") as f:
                    f.write(json.dumps({"command": command}) + "\n" + out)
            return [wall, peak]
        return run

    bin_dir = os.environ.get("LLAMA_CPP_BIN")
    if "llama" in groups and bin_dir:
        q40 = os.path.join(CACHE, "swift-gali-bars/requant/smollm2-Q4_0.gguf")
        if not os.path.exists(q40):
            os.makedirs(os.path.dirname(q40), exist_ok=True)
            subprocess.run([os.path.join(bin_dir, "llama-quantize"), "--allow-requantize", MODEL, q40, "Q4_0"],
                           capture_output=True, check=True)
        figure(["prefill 8192 tokens/s (llama.cpp Q4_0 vs gali)"], r,
               lambda: [llama_bench(bin_dir, q40, 8192, 0, 0, t)], bench(new, 8192, 1, "prefill_tokens_per_s"),
               ("llama_cpp", "gali"))
        figure(["decode after 4096 tokens/s (llama.cpp Q4_0 vs gali)"], r,
               lambda: [llama_bench(bin_dir, q40, 0, 64, 4096, t)], bench(new, 4096, 64, "decode_tokens_per_s"),
               ("llama_cpp", "gali"))
    elif "llama" in groups:
        print(json.dumps({"skipped": "llama.cpp figures: set LLAMA_CPP_BIN"}), flush=True)
    if "baseline" in groups and args.baseline:
        old = args.baseline
        figure(["16k score wall seconds (baseline vs new)", "16k score peak MB (baseline vs new)"], r,
               score(old), score(new), ("baseline", "new"), args.simultaneous)
        figure(["decode after 12288 tokens/s (baseline vs new)"], r, bench(old, 12288, 32, "decode_tokens_per_s"),
               bench(new, 12288, 32, "decode_tokens_per_s"), ("baseline", "new"))
    if "gali" in groups:
        figure(["16k score wall seconds (original vs gali)", "16k score peak MB (original vs gali)"], r,
               score(new), score(new, ("--method", "gali")), ("original", "gali"), args.simultaneous)
        figure(["decode after 12288 tokens/s (original vs gali)"], r, bench(new, 12288, 32, "decode_tokens_per_s"),
               bench(new, 12288, 32, "decode_tokens_per_s", ("--method", "gali")), ("original", "gali"))


if __name__ == "__main__":
    sys.exit(main())
