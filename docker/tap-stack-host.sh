#!/bin/sh
# The host of a stack in user space (lwip, gvisor) in the compose matrix:
# bridges a TAP device with the container's network, so the stack's own
# address ($STACK_ADDRESS) sits on the compose network beside the other
# containers, then runs that stack's agent. Its gRPC endpoint stays on the
# container's kernel address.
#   closeprobe-tap-stack-host lwip|gvisor [agent flags...]
set -eu
stack=${1:?usage: closeprobe-tap-stack-host lwip|gvisor [agent flags...]}
shift
: "${STACK_ADDRESS:?the stack's address on the compose network}"
dev=eth0
cidr=$(ip -4 -o addr show dev "$dev" | awk '{print $4}')
gateway=$(ip -4 route show default | awk '{print $3}')
netmask_bits=${cidr#*/}

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

case "$stack" in
  lwip)
    # 24 -> 255.255.255.0
    mask=$(awk -v b="$netmask_bits" 'BEGIN { m = ""; for (i = 0; i < 4; i++) { n = (b >= 8) ? 255 : (b > 0 ? 256 - 2^(8 - b) : 0); b -= 8; m = m (i ? "." : "") n } print m }')
    exec closeprobe-agent-lwip --lwip_tap=tap0 --lwip_address="$STACK_ADDRESS" \
      --lwip_netmask="$mask" --lwip_gateway="${gateway:-0.0.0.0}" \
      --test_address="$STACK_ADDRESS" "$@"
    ;;
  gvisor)
    exec closeprobe-agent-gvisor --gvisor_tap=tap0 --gvisor_address="$STACK_ADDRESS" \
      --gvisor_prefix_length="$netmask_bits" --gvisor_gateway="${gateway:-0.0.0.0}" \
      --test_address="$STACK_ADDRESS" "$@"
    ;;
  *) echo "closeprobe-tap-stack-host: unknown stack '$stack' (lwip or gvisor)" >&2; exit 2 ;;
esac
