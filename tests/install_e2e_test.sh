#!/usr/bin/env bash
# The Debian package as a user installs it: `apt install ./closeprobe_*.deb`
# in a fresh Debian 12 root (debootstrap's minbase, from Debian's archive
# only), then, from /tmp there, `closeprobe validate` and `closeprobe run` of
# a user's own case folder with no flag beyond the cases: the programs find
# the articles' claims and the agents relative to themselves. Prints the
# package's size and how long apt took to install it.
#
# Usage: install_e2e_test.sh BUILD_DIR
# The minbase root is made once (about a minute) and kept, untouched, as
# BUILD_DIR/install-test/bookworm-minbase.tar; every run unpacks a fresh copy.
# Needs root (mounts, the run's network namespaces); without root the package
# is only unpacked and validated. CLOSEPROBE_KEEP_INSTALL_ROOT=1 keeps the
# root and the package (in /tmp/closeprobe-install.*) to look into.
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/closeprobe-install.XXXXXX)
trap '[ -n "${CLOSEPROBE_KEEP_INSTALL_ROOT:-}" ] || rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

for program in closeprobe closeprobe-agent closeprobe-agent-lwip closeprobe-agent-gvisor; do
  [ -x "$build/bin/$program" ] || fail "build $program first (cpack packs the programs as built)"
done
packed=$(date +%s)
(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null)
echo "cpack: $(($(date +%s) - packed)) s"
deb=$(ls "$work"/pkg/closeprobe_*_amd64.deb)
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB," \
  "$(dpkg-deb -f "$deb" Installed-Size) KiB installed"
echo "depends: $(dpkg-deb -f "$deb" Depends)"

if [ "$(id -u)" -ne 0 ]; then
  dpkg-deb -x "$deb" "$work/unpacked"
  mkdir -p "$work/user/my-cases"
  cp "$source/cases/normal_close.textproto" "$work/user/my-cases/"
  (cd "$work/user" && "$work/unpacked/usr/bin/closeprobe" validate my-cases)
  echo "skipped apt install and the run: a chroot and network namespaces need root (CI runs as root)"
  exit 0
fi

# A fresh Debian 12 root, as a new machine has it: Debian's archive with its
# updates and security suites.
base="$build/install-test/bookworm-minbase.tar"
mirror=$(bash "$source/scripts/debian_mirror.sh")
security=$(bash "$source/scripts/debian_mirror.sh" security)
if [ ! -f "$base" ]; then
  echo "making the minbase root once (debootstrap from $mirror)"
  mkdir -p "$build/install-test"
  debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -C "$work/base" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$work/base"
fi
root=$work/root
mkdir -p "$root"
tar -C "$root" -xf "$base"
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
EOF
[ -z "$security" ] || echo "deb $security bookworm-security main" >>"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts inside the throwaway root.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

# A shell in the root, its mounts private to it (gone when it exits). The
# root is pivoted to, not chrooted into: the kernel refuses a chrooted
# process new user namespaces, which runsc (the gvisor column) makes.
in_root() {
  unshare --mount --propagation private sh -c '
    root=$1; shift
    mount --bind "$root" "$root" && cd "$root" && mkdir -p .host && pivot_root . .host &&
      mount -t proc proc /proc && mount -t sysfs sys /sys && mount --rbind /.host/dev /dev &&
      mount -t tmpfs run /run && mount -t cgroup2 cgroup2 /sys/fs/cgroup && umount -l /.host &&
      exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        DEBIAN_FRONTEND=noninteractive /bin/sh -c "$*"' in_root "$root" "$@"
}

cp "$deb" "$root/tmp/"
in_root 'apt-get -q update' >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; fail "apt-get update"; }
start=$(date +%s.%N)
in_root 'cd /tmp && apt install -y ./closeprobe_*.deb' >>"$work/apt.log" 2>&1 ||
  { tail -30 "$work/apt.log"; fail "apt install ./closeprobe_*.deb"; }
end=$(date +%s.%N)
echo "apt install: $(awk "BEGIN { printf \"%.1f\", $end - $start }") s" \
  "($(grep -Eo '[0-9]+ newly installed' "$work/apt.log" | head -1) packages," \
  "$(grep -Eo 'Need to get [0-9.,]+ [kM]B' "$work/apt.log" | head -1 | cut -d' ' -f4-) downloaded)"
in_root 'command -v closeprobe' | grep -qx /usr/bin/closeprobe || fail "no /usr/bin/closeprobe"

# A user's folder in /tmp with a case of their own; nothing of the clone.
mkdir -p "$root/tmp/user/my-cases"
cp "$source/cases/normal_close.textproto" "$root/tmp/user/my-cases/"
in_root 'cd /tmp/user && closeprobe validate my-cases' || fail "validate exited $?"
status=0
in_root 'cd /tmp/user && timeout 300 closeprobe run my-cases --color=never >run.out 2>run.err' ||
  status=$?
if [ "$status" -ne 0 ]; then
  cat "$root/tmp/user/run.err" "$root/tmp/user/run.out"
  fail "run exited $status"
fi
user=$root/tmp/user
[ -f "$user/closeprobe-report/report.json" ] || fail "no report in the user's folder"
grep -q "normal_close" "$user/run.out" || { cat "$user/run.out"; fail "the case is not in the matrix"; }
# Every default column ran (a missing one is only a warning for the run).
for column in linux lwip gvisor gvisor-netstack; do
  grep -q "\"name\": \"$column\"" "$user/closeprobe-report/report.json" ||
    { cat "$user/run.err" "$user/run.out"; fail "no $column column"; }
done
echo "the installed closeprobe validated and ran a user's case folder from /tmp in a fresh root"
