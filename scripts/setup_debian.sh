#!/usr/bin/env bash
# Installs from Debian's archive what closeprobe needs, and only what is
# missing; safe to run again (it then says so in one line).
#   setup_debian.sh matrix   build and run the matrix (the default; Go and
#                            gVisor's source build the gvisor-netstack agent,
#                            runsc runs the gvisor column's sandbox)
#   setup_debian.sh tests    the matrix's packages, plus what the tests use:
#                            Chromium (report DOM checks), xmllint (JUnit
#                            schema), mingw-w64 and Wine (the Winsock self-test),
#                            clang (sanitizers, fuzzers), openssl (TLS tests),
#                            tcpdump, the firmware profile's packages (the
#                            board tests) and debootstrap (the package's install
#                            test). Docker comes with scripts/compose_matrix.sh.
#   setup_debian.sh windows  the matrix's packages, plus the cross-build of the
#                            Windows programs and of their gRPC stack from
#                            Debian's sources (scripts/mingw_deps.sh), and Wine
#   setup_debian.sh guest    the matrix's packages, plus QEMU and what the
#                            linux-6.1 guest's initramfs holds (busybox, socat)
#   setup_debian.sh firmware the matrix's packages, plus the lwIP firmware's
#                            toolchain (arm-none-eabi gcc and newlib), QEMU's
#                            Arm boards (mps2-an385) and dpkg-dev (lwIP's
#                            source package is fetched at build time)
set -euo pipefail

profile="${1:-matrix}"
packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpcap-dev libnftables-dev nftables liblwip-dev
  golang-go golang-gvisor-gvisor-dev runsc
  iproute2 util-linux
)
case "$profile" in
  matrix) ;;
  tests)
    packages+=(chromium libxml2-utils g++-mingw-w64-x86-64-posix wine64
               clang libclang-rt-14-dev openssl tcpdump
               gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
               qemu-system-arm dpkg-dev xz-utils debootstrap)
    ;;
  windows)
    packages+=(g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix libz-mingw-w64-dev
               ninja-build dpkg-dev patch perl python3 python3-six unicode-data xz-utils wine64)
    ;;
  guest)
    packages+=(qemu-system-x86 busybox-static socat kmod cpio)
    ;;
  firmware)
    packages+=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
               qemu-system-arm dpkg-dev xz-utils)
    ;;
  *) echo "setup_debian.sh: unknown profile '$profile' (matrix, tests, windows, guest or firmware)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: the ${#packages[@]} packages for the $profile are installed already" >&2
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# Runs apt-get, waiting (at most 10 minutes, and saying so) while another
# apt or dpkg holds its lock, as one often does on a freshly booted machine.
apt_get() {
  local waited=0 log
  log=$(mktemp)
  while ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get "$@" 2>"$log" >/dev/null; do
    if ! grep -q "Could not get lock\|Unable to acquire the dpkg frontend lock\|Unable to lock" "$log" ||
       [ "$waited" -ge 600 ]; then
      cat "$log" >&2; rm -f "$log"; return 1
    fi
    [ "$waited" -eq 0 ] && echo "setup: another apt or dpkg holds the package lock; waiting (at most 10 minutes)" >&2
    sleep 5; waited=$((waited + 5))
  done
  grep -v "^debconf: delaying package configuration" "$log" >&2 || true
  rm -f "$log"
}

echo "setup: installing ${missing[*]}" >&2
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
