#!/usr/bin/env bash
# Build-time comparison with async-openai 0.43 (a peer: fetched from crates.io, so not in CI).
# Two one-call programs, each built clean in debug in its own target dir with `cargo build
# --timings`; prints each crate's own unit time (from cargo's timing report), its debug rlib,
# and each whole build's wall time, then each crate's unit rebuilt alone. Both builds run with CARGO_INCREMENTAL=0: cargo builds a
# crate from a registry or git without incremental compilation (16 codegen units), and a path
# dependency with it (256 units, more debug info), so a path dependency on ours against the
# peer from crates.io would not compare like with like. Ours as a path dependency, as a
# vendored copy builds, is measured after, then each program's rebuild after an edit of its
# main.rs (incremental, as in a user's edit-build cycle). Usage: bash benches/build-timings/run.sh [scratch dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="${1:-$(mktemp -d)}"
mkdir -p "$scratch"
write_program() { # name, dependency line, main body
  mkdir -p "$scratch/$1/src"
  cat > "$scratch/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
$2

[workspace]
TOML
  printf '%s\n' "$3" > "$scratch/$1/src/main.rs"
}
write_program ours "openai-responses = { path = \"$repo/generated\" }" '
use openai_responses::{types::CreateResponse, Client};
#[tokio::main]
async fn main() -> Result<(), openai_responses::Error> {
    let client = Client::builder().api_key("k").build()?;
    let request = CreateResponse { model: "gpt-4.1".into(), input: "Hello".into(), ..Default::default() };
    let response = client.responses().create(&request).await?;
    println!("{}", response.output_text());
    Ok(())
}'
write_program peer 'async-openai = { version = "=0.43.0", default-features = false, features = ["responses", "rustls"] }' '
use async_openai::{types::responses::CreateResponseArgs, Client};
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new();
    let request = CreateResponseArgs::default().model("gpt-4.1").input("Hello").build()?;
    let response = client.responses().create(request).await?;
    println!("{:?}", response.output_text());
    Ok(())
}'
for p in ours peer; do
  (cd "$scratch/$p" && cargo fetch -q)
done
for p in ours peer; do
  rm -rf "$scratch/$p/target"
  start=$(date +%s.%N)
  (cd "$scratch/$p" && CARGO_INCREMENTAL=0 cargo build -q --timings 2>/dev/null)
  end=$(date +%s.%N)
  echo "$p whole $(echo "$end - $start" | bc)"
  cp "$scratch/$p/target/cargo-timings/cargo-timing.html" "$scratch/$p/timing-registry-like.html"
done
# Each crate alone: rebuilt after `cargo clean -p`, with its dependencies built, so its unit
# does not share the two cores with other crates' units (a clean build's unit times depend on
# what cargo schedules beside them).
for p in ours peer; do
  crate=$([ "$p" = ours ] && echo openai-responses || echo async-openai)
  (cd "$scratch/$p" && cargo clean -q -p "$crate" && CARGO_INCREMENTAL=0 cargo build -q --timings 2>/dev/null)
  cp "$scratch/$p/target/cargo-timings/cargo-timing.html" "$scratch/$p/timing-alone.html"
done
rlib() { ls -l "$scratch/$1"/target/debug/deps/lib"$2"-*.rlib | awk '{printf "%.1f MB", $5 / 1e6}'; }
echo "debug rlib: openai-responses $(rlib ours openai_responses), async-openai $(rlib peer async_openai)"
(cd "$scratch/ours" && cargo clean -q -p openai-responses && cargo build -q --timings 2>/dev/null)
echo "ours as an incremental path dependency (vendored): debug rlib $(rlib ours openai_responses)"
# A user's edit-build cycle: the program's own crate rebuilt incrementally after an edit of
# main.rs (what is left to the user's crate, such as decoders instantiated there, costs here).
(cd "$scratch/peer" && cargo build -q 2>/dev/null)
for p in ours peer; do
  times=()
  for i in 1 2 3; do
    printf '// edit %s\n' "$i" >> "$scratch/$p/src/main.rs"
    start=$(date +%s.%N)
    (cd "$scratch/$p" && cargo build -q 2>/dev/null)
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  echo "$p: rebuild after an edit of main.rs (incremental), 3 runs: ${times[*]} s"
done
python3 - "$scratch" <<'PY'
import json, re, sys, pathlib
scratch = pathlib.Path(sys.argv[1])
def units(p, file="timing-registry-like.html"):
    html = (scratch / p / file).read_text()
    data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", html, re.S).group(1))
    return {u["name"]: u["duration"] for u in data}
ours, peer = units("ours"), units("peer")
o, t = ours["openai-responses"], peer["async-openai"]
print(f"own unit: openai-responses {o:.1f} s, async-openai {t:.1f} s, ratio {o / t:.2f}x (target <= 0.5x)")
o, t = units("ours", "timing-alone.html")["openai-responses"], units("peer", "timing-alone.html")["async-openai"]
print(f"own unit built alone: openai-responses {o:.1f} s, async-openai {t:.1f} s, ratio {o / t:.2f}x")
print(f"the one-call program's unit: with ours {ours['ours']:.1f} s, with async-openai {peer['peer']:.1f} s")
vendored = units("ours", "target/cargo-timings/cargo-timing.html")["openai-responses"]
print(f"ours as an incremental path dependency (vendored): own unit {vendored:.1f} s")
PY
