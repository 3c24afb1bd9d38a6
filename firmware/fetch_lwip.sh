#!/usr/bin/env bash
# Fetches lwIP's upstream source from Debian's `lwip` source package (the
# orig tarball: upstream's files, without Debian's port patches, whose TCP
# core is the same) and unpacks it into DEST/lwip. Nothing of it is
# committed; the firmware build calls this once per build folder.
#   fetch_lwip.sh DEST
# Source packages come through a private list (the deb-src twins of the
# machine's own entries), so /etc/apt is left alone.
set -euo pipefail
dest=${1:?usage: fetch_lwip.sh DEST}
[ -e "$dest/lwip/.complete" ] && exit 0
work="$dest/lwip-fetch"
mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
# Lists and caches of our own: works without root, and leaves the system's alone.
apt_opts=(-o "Dir::Etc::SourceParts=$work/apt/sources.list.d" -o Dir::Etc::SourceList=/dev/null
          -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
          -o Debug::NoLocking=1 -o "APT::Sandbox::User=$(id -un)")
for f in /etc/apt/sources.list.d/*.sources; do
  [ -e "$f" ] || continue
  sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$work/apt/sources.list.d/$(basename "$f")"
done
if [ -f /etc/apt/sources.list ]; then
  sed -nE 's/^deb (.*)/deb-src \1/p' /etc/apt/sources.list > "$work/apt/sources.list.d/main-src.list"
fi
if ! ls "$work"/src/lwip_*.orig.tar.* >/dev/null 2>&1; then
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work/src" && apt-get "${apt_opts[@]}" source -qq --download-only lwip)
fi
orig=$(ls "$work"/src/lwip_*.orig.tar.* | head -1)
rm -rf "$dest/lwip"
mkdir -p "$dest/lwip"
tar -xf "$orig" -C "$dest/lwip" --strip-components=1
[ -f "$dest/lwip/src/core/tcp.c" ] || { echo "fetch_lwip.sh: $orig holds no src/core/tcp.c" >&2; exit 1; }
basename "$orig" > "$dest/lwip/.complete"
