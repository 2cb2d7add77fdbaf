#!/usr/bin/env bash
# Builds the installable artifacts from a clean checkout into target/package/:
#   otchet_<version>-1_amd64.deb            Debian / Astra Linux package (static binary,
#                                           man pages, bash/zsh/fish completions, docs, licences)
#   otchet-<version>-x86_64-linux-static    static Linux binary (musl), any distribution
#   otchet-<version>-x86_64-windows.exe     Windows build (mingw-w64)
# Installs what it needs (rustup targets, cargo-deb, mingw-w64) itself.
# Checks of the artifacts: scripts/package-check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
pkg=target/package
assets=target/package-assets
rm -rf "$pkg" "$assets"
mkdir -p "$pkg" "$assets/man" "$assets/completions"

rustup target add x86_64-unknown-linux-musl x86_64-pc-windows-gnu >/dev/null
command -v cargo-deb >/dev/null || cargo install cargo-deb --locked
command -v cargo-deny >/dev/null || cargo install cargo-deny --locked
need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v musl-gcc >/dev/null || need+=(musl-tools)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# 1. The static Linux binary. ring (TLS) and SQLite are C: musl's gcc.
export CC_x86_64_unknown_linux_musl=musl-gcc
cargo build --release --locked --target x86_64-unknown-linux-musl
static=target/x86_64-unknown-linux-musl/release/otchet
cp "$static" "$pkg/otchet-$version-x86_64-linux-static"
strip "$pkg/otchet-$version-x86_64-linux-static"

# 2. Man pages and completions, from the clap definition.
"$static" man | gzip -9n > "$assets/man/otchet.1.gz"
for cmd in render check serve extract import diff annual new schema completions; do
  "$static" man "$cmd" | gzip -9n > "$assets/man/otchet-$cmd.1.gz"
done
"$static" completions bash > "$assets/completions/otchet"
"$static" completions zsh > "$assets/completions/_otchet"
"$static" completions fish > "$assets/completions/otchet.fish"

# The licences of everything in the binary (crates, fonts, patterns,
# profile), generated from cargo-deny's list: in the .deb as
# /usr/share/doc/otchet/copyright, and beside the other builds.
cargo deny check licenses bans sources
python3 scripts/copyright.py > "$assets/copyright"
cp "$assets/copyright" "$pkg/otchet-$version-COPYRIGHT.txt"

# 3. The .deb around the static binary (no Depends).
cargo deb --no-build --target x86_64-unknown-linux-musl --output "$pkg/otchet_${version}-1_amd64.deb"

# 4. Windows.
cargo build --release --locked --target x86_64-pc-windows-gnu
cp target/x86_64-pc-windows-gnu/release/otchet.exe "$pkg/otchet-$version-x86_64-windows.exe"
# The standard library's debug information, linked in by mingw: not shipped.
x86_64-w64-mingw32-strip "$pkg/otchet-$version-x86_64-windows.exe"

ls -l "$pkg"
