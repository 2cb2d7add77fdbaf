#!/usr/bin/env bash
# Installs and runs the artifacts of scripts/package.sh, as a user would:
# the .deb with dpkg (then `otchet --version`, `man otchet`, a render from
# another directory), the static binary, and otchet.exe under Wine — with a
# Cyrillic path with spaces and a Notepad-style file (UTF-8 BOM, CRLF).
# Every PDF is checked with pdffonts and qpdf. Run as root on Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
pkg=$root/target/package
need=()
command -v man >/dev/null || need+=(man-db)
[ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null || need+=(wine64)
command -v pdffonts >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v file >/dev/null || need+=(file)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp data/2020-q4.toml "$work/example.toml"
# Notepad's way: BOM, CRLF line ends; a folder and file name with Cyrillic and spaces.
mkdir -p "$work/Отчеты за 2020 год"
notepad="$work/Отчеты за 2020 год/отчет IV квартал.toml"
{ printf '\xEF\xBB\xBF'; sed 's/$/\r/' data/2020-q4.toml; } > "$notepad"

check_pdf() {
  local pdf=$1
  [ -s "$pdf" ] || { echo "no PDF: $pdf"; exit 1; }
  pdffonts "$pdf" | tail -n +3 | awk '$(NF-4) != "yes" || $(NF-2) != "yes" {bad=1} END {exit bad}' \
    || { echo "fonts not embedded with ToUnicode: $pdf"; pdffonts "$pdf"; exit 1; }
  qpdf --check "$pdf" >/dev/null || { echo "qpdf: broken PDF $pdf"; exit 1; }
  echo "  ok: $(basename "$pdf") ($(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}') pages; fonts embedded; qpdf --check passes)"
}

echo "== .deb"
deb=$pkg/otchet_${version}-1_amd64.deb
dpkg-deb --info "$deb" | grep -E "Package|Version|Depends" || true
[ -z "$(dpkg-deb -f "$deb" Depends)" ] || { echo "the .deb has dependencies"; exit 1; }
dpkg -i "$deb"
# The office server's unit: installed (disabled), its user and folders made.
ls /lib/systemd/system/otchet.service /usr/lib/systemd/system/otchet.service 2>/dev/null | grep -q otchet.service \
  || { echo "the .deb has no otchet.service"; exit 1; }
getent passwd otchet >/dev/null || { echo "the .deb made no otchet user"; exit 1; }
[ "$(stat -c %a /var/lib/otchet)" = 700 ] || { echo "/var/lib/otchet is not 0700"; exit 1; }
grep -q '^OTCHET_LISTEN=' /etc/otchet/otchet.conf || { echo "no /etc/otchet/otchet.conf"; exit 1; }
(cd "$work" && /usr/bin/otchet --version)
/usr/bin/otchet --version | grep -q "^otchet $version (коммит " || { echo "--version lacks the commit"; exit 1; }
man -w otchet
MANPAGER=cat MANWIDTH=80 man otchet > "$work/man.txt"
head -12 "$work/man.txt"
MANPAGER=cat man otchet-render > "$work/man-render.txt"
grep -q -- "--no-source" "$work/man-render.txt" || { echo "man otchet-render incomplete"; exit 1; }
MANPAGER=cat man otchet-import > "$work/man-import.txt"
grep -q -- "--quarter" "$work/man-import.txt" || { echo "man otchet-import incomplete"; exit 1; }
for f in /usr/share/bash-completion/completions/otchet /usr/share/zsh/vendor-completions/_otchet \
  /usr/share/fish/vendor_completions.d/otchet.fish /usr/share/doc/otchet/LICENSE \
  /usr/share/doc/otchet/fonts/LICENSE-LiberationSerif.txt /usr/share/doc/otchet/fonts/DejaVu-LICENSE \
  /usr/share/doc/otchet/copyright /usr/share/applications/otchet.desktop; do
  [ -s "$f" ] || { echo "missing from the package: $f"; exit 1; }
done
(cd "$work" && otchet render example.toml -o deb-out >/dev/null && otchet render "$notepad" -o deb-out >/dev/null)
check_pdf "$work/deb-out/example.pdf"
check_pdf "$work/deb-out/отчет IV квартал.pdf"
dpkg -r otchet >/dev/null
echo "== static binary"
static=$pkg/otchet-$version-x86_64-linux-static
file "$static" 2>/dev/null | grep -qi "static" || ldd "$static" 2>&1 | grep -q "not a dynamic" \
  || { echo "the Linux binary is not static"; exit 1; }
(cd "$work" && "$static" --version && "$static" render "$notepad" -o static-out >/dev/null)
check_pdf "$work/static-out/отчет IV квартал.pdf"

echo "== Windows (Wine)"
# Debian's wine64 puts the loader off PATH.
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
export WINEDEBUG=-all WINEPREFIX=$work/wine
exe=$pkg/otchet-$version-x86_64-windows.exe
cp "$exe" "$work/otchet.exe"
# Wine 8 lacks bcryptprimitives.dll (ProcessPrng, which Rust's std uses; real
# Windows 8+ and Wine 9 have it): a test-only shim beside the exe.
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
(cd "$work" && "$wine" ./otchet.exe --version)
(cd "$work/Отчеты за 2020 год" && "$wine" ../otchet.exe render "отчет IV квартал.toml" -o "готовые отчеты" | tr -d '\r')
check_pdf "$work/Отчеты за 2020 год/готовые отчеты/отчет IV квартал.pdf"
cmp "$work/Отчеты за 2020 год/готовые отчеты/отчет IV квартал.pdf" "$work/static-out/отчет IV квартал.pdf" \
  && echo "  the Windows PDF is byte-identical to the Linux one"
# Errors in Russian, with the file, line and column, exit status 1.
printf 'year = 2020\r\nquarter = 9\r\n' > "$work/плохой.toml"
set +e
msg=$(cd "$work" && "$wine" ./otchet.exe check "плохой.toml" 2>&1)
status=$?
set -e
echo "$msg" | tr -d '\r' | head -5
[ "$status" = 1 ] || { echo "exit status $status, not 1"; exit 1; }
echo "$msg" | grep -q "плохой.toml:" || { echo "no Russian message naming the file"; exit 1; }
# The office server under Wine: a coordinator, the server on loopback,
# the sign-in page and a sign-in over HTTP.
mkdir -p "$work/office"
(cd "$work" && printf 'длинный пароль 2021\n' | "$wine" ./otchet.exe users add coord --role coordinator --dir office --password-stdin | tr -d '\r')
(cd "$work" && exec "$wine" ./otchet.exe serve office --listen 127.0.0.1:0 > office.url 2>/dev/null) &
server=$!
for _ in $(seq 60); do grep -q http "$work/office.url" 2>/dev/null && break; sleep 1; done
url=$(head -1 "$work/office.url" | tr -d '\r')
python3 - "$url" <<'PY'
import json, sys, urllib.request
base = sys.argv[1].rstrip("/")
assert base.startswith("http://127.0.0.1:"), base
page = urllib.request.urlopen(base + "/login").read().decode()
assert "Вход" in page, page[:200]
req = urllib.request.Request(base + "/api/login", method="POST", headers={"Content-Type": "application/json"},
                             data=json.dumps({"login": "coord", "password": "длинный пароль 2021"}).encode())
with urllib.request.urlopen(req) as r:
    assert r.status == 200 and "otchet_session=" in r.headers["Set-Cookie"]
print("windows office server: sign-in page and sign-in answered under Wine")
PY
kill "$server" 2>/dev/null || true
pkill -f "otchet.exe serve office" 2>/dev/null || true
echo "packages: all artifacts installed and ran"
