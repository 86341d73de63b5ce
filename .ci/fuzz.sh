#!/usr/bin/env bash
# Fuzzes the paste cleaner for a bounded time and fails on any crash or failed assertion.
#
# The target is built on the stable toolchain with libFuzzer's coverage instrumentation passed
# as stable codegen flags, so neither nightly nor cargo-fuzz is needed; AddressSanitizer, which
# needs nightly, is left out. The crate under tests/fuzz/ compiles only src/secrets/paste.rs and
# has its own workspace and target directory, so it adds no work to the main build.
#
# FUZZ_SECONDS sets the fuzzing time (default 45 s); libFuzzer's build and run add about a minute.
set -euo pipefail
cd "$(dirname "$0")/../tests/fuzz"

seconds="${FUZZ_SECONDS:-45}"
flags=(
    -Cpasses=sancov-module
    -Cllvm-args=-sanitizer-coverage-level=4
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
    -Cllvm-args=-sanitizer-coverage-pc-table
    -Cllvm-args=-sanitizer-coverage-trace-compares
    --cfg=fuzzing
)
# An explicit --target keeps RUSTFLAGS away from build scripts, which cannot link the
# instrumentation.
host="$(rustc -vV | sed -n 's/^host: //p')"
RUSTFLAGS="${flags[*]}" cargo build --release --locked --target "$host" --bin paste

# libFuzzer adds new inputs to the first directory; copying the seeds keeps the tree clean.
corpus="target/corpus/paste"
artifacts="target/artifacts/paste/"
mkdir -p "$corpus" "$artifacts"
cp seeds/* "$corpus"/

"./target/$host/release/paste" "$corpus" \
    -max_total_time="$seconds" \
    -max_len=512 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts" \
    -print_final_stats=1
echo "fuzz: paste ran ${seconds} s with no crash"
