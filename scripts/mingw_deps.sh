#!/usr/bin/env bash
# Finds or makes the mingw-w64 gRPC prefix the Windows builds link against and
# prints its path. In order:
#   1. CLOSEPROBE_MINGW_DEPS, a prebuilt prefix (a folder, or a .tar.xz holding
#      one), used when its share/closeprobe-mingw/VERSIONS.txt names the source
#      versions in mingw_deps/versions.txt;
#   2. the prefix this recipe built before, in the cache folder
#      (CLOSEPROBE_CACHE_DIR, default /var/cache/closeprobe as root,
#      ~/.cache/closeprobe otherwise), keyed by a hash of scripts/mingw_deps/;
#   3. otherwise builds it there from Debian's sources (about 40 minutes).
#
#   prefix=$(scripts/mingw_deps.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
recipe=scripts/mingw_deps
say() { echo "mingw-deps: $*" >&2; }

scripts/setup_debian.sh windows

if [ "$(id -u)" = 0 ]; then cache=${CLOSEPROBE_CACHE_DIR:-/var/cache/closeprobe}
else cache=${CLOSEPROBE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/closeprobe}; fi
mkdir -p "$cache"

# versions_match PREFIX: every pinned source version is the one it was built from.
versions_match() {
  local record=$1/share/closeprobe-mingw/VERSIONS.txt name version
  [ -f "$record" ] && [ -f "$1/share/cmake/mingw-w64-x86_64-posix.cmake" ] || return 1
  while IFS='=' read -r name version; do
    [[ -z $name || $name == \#* ]] && continue
    grep -qxF "${name}_${version#*:}" "$record" || { say "$1 was built from another $name than $version"; return 1; }
  done < "$recipe/versions.txt"
}

if [ -n "${CLOSEPROBE_MINGW_DEPS:-}" ]; then
  given=$CLOSEPROBE_MINGW_DEPS
  if [ -f "$given" ]; then
    unpacked="$cache/mingw-deps-unpacked-$(sha256sum "$given" | cut -c1-12)"
    if [ ! -d "$unpacked" ]; then
      mkdir -p "$unpacked.part" && tar -xJf "$given" -C "$unpacked.part" && mv "$unpacked.part" "$unpacked"
    fi
    given=$(dirname "$(dirname "$(dirname "$(ls "$unpacked"/*/share/cmake/mingw-w64-x86_64-posix.cmake | head -1)")")")
  fi
  if versions_match "$given"; then
    (cd "$given" && pwd); exit 0
  fi
  say "not using $CLOSEPROBE_MINGW_DEPS"
fi

key=$( (cd "$recipe" && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-12)
prefix="$cache/mingw-deps-$key"
if [ ! -e "$prefix/.complete" ]; then
  # An interrupted build resumes: the work folder keeps what each package finished.
  say "building the prefix from Debian's sources into $prefix (about 40 minutes; log: $prefix.log)"
  start=$SECONDS
  # The whole output to the log; each package's start and end to the terminal.
  set +e
  "$recipe/build_prefix.sh" "$prefix" "$prefix.work" 2>&1 | tee -a "$prefix.log" |
    grep --line-buffered '^\[mingw-deps' >&2
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    say "the build failed; the end of $prefix.log:"; tail -20 "$prefix.log" >&2; exit 1
  fi
  echo "built in $((SECONDS - start)) s" > "$prefix/.complete"
  rm -rf "$prefix.work"
  say "$(cat "$prefix/.complete"), $(du -sh "$prefix" | cut -f1)"
fi
echo "$prefix"
