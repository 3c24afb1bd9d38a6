#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt uses (deb822 or one-line
# sources, not the security suite), for roots and images made with
# debootstrap; nothing if there is none.
set -euo pipefail
m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)
[ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
  grep -v security | awk '{print $2}' | head -1 || true)
echo "$m"
