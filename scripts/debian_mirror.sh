#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt uses (deb822 or one-line
# sources), for roots and images made with debootstrap; with `security`, the
# one its security suite comes from. Nothing if there is none.
set -euo pipefail
want=${1:-main}
pick() { if [ "$want" = security ]; then grep security; else grep -v security; fi; }
m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | pick | head -1 || true)
[ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
  awk '{print $2}' | pick | head -1 || true)
echo "$m"
