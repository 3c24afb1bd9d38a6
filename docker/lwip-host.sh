#!/bin/sh
# The lwIP host of the compose matrix: bridges a TAP device with the
# container's network, so lwIP's own address ($LWIP_ADDRESS) sits on the
# compose network beside the other containers, then runs the lwIP agent.
# Its gRPC endpoint stays on the container's kernel address.
set -eu
: "${LWIP_ADDRESS:?the lwIP stack's address on the compose network}"
dev=eth0
cidr=$(ip -4 -o addr show dev "$dev" | awk '{print $4}')
gateway=$(ip -4 route show default | awk '{print $3}')
netmask_bits=${cidr#*/}
# 24 -> 255.255.255.0
mask=$(awk -v b="$netmask_bits" 'BEGIN { m = ""; for (i = 0; i < 4; i++) { n = (b >= 8) ? 255 : (b > 0 ? 256 - 2^(8 - b) : 0); b -= 8; m = m (i ? "." : "") n } print m }')

ip tuntap add dev tap0 mode tap
ip link add br0 type bridge
ip link set br0 address "$(cat /sys/class/net/$dev/address)"
ip addr flush dev "$dev"
ip link set "$dev" master br0
ip link set tap0 master br0
ip addr add "$cidr" dev br0
ip link set tap0 up
ip link set br0 up
[ -n "$gateway" ] && ip route replace default via "$gateway"

exec closeprobe-agent-lwip --lwip_tap=tap0 --lwip_address="$LWIP_ADDRESS" \
  --lwip_netmask="$mask" --lwip_gateway="${gateway:-0.0.0.0}" \
  --test_address="$LWIP_ADDRESS" "$@"
