#!/usr/bin/env bash
# Installs from Debian's archive what closeprobe needs, and only what is
# missing; safe to run again (it then says so in one line).
#   setup_debian.sh matrix   build and run the matrix (the default)
#   setup_debian.sh tests    the matrix's packages, plus what the tests use:
#                            Chromium (report DOM checks), xmllint (JUnit
#                            schema), mingw-w64 and Wine (the Winsock self-test),
#                            clang (sanitizers, fuzzers), openssl (TLS tests),
#                            tcpdump. Docker comes with scripts/compose_matrix.sh.
set -euo pipefail

profile="${1:-matrix}"
packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpcap-dev libnftables-dev nftables liblwip-dev
  iproute2 util-linux
)
case "$profile" in
  matrix) ;;
  tests)
    packages+=(chromium libxml2-utils g++-mingw-w64-x86-64-posix wine64
               clang libclang-rt-14-dev openssl tcpdump)
    ;;
  *) echo "setup_debian.sh: unknown profile '$profile' (matrix or tests)" >&2; exit 2 ;;
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
echo "setup: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
