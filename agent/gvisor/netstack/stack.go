// The one gVisor netstack of this process, on an existing TAP device (IPv4
// and ARP over Ethernet), with a packet hook between the link and the stack
// for wire capture and fault injection.
package main

import (
	"fmt"
	"net"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/fdbased"
	"gvisor.dev/gvisor/pkg/tcpip/link/tun"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

const nicID = 1

var netstack *stack.Stack

func startStack(tap, address string, prefixLength int, gateway string) error {
	if netstack != nil {
		return fmt.Errorf("the gVisor stack is already running")
	}
	local := net.ParseIP(address).To4()
	gw := net.ParseIP(gateway).To4()
	if local == nil || gw == nil || prefixLength <= 0 || prefixLength > 32 {
		return fmt.Errorf("bad gVisor address %q/%d or gateway %q", address, prefixLength, gateway)
	}
	fd, err := tun.OpenTAP(tap)
	if err != nil {
		return fmt.Errorf("opening TAP device %s: %v", tap, err)
	}
	mac, err := tapAddress(tap)
	if err != nil {
		return err
	}
	link, err := fdbased.New(&fdbased.Options{FDs: []int{fd}, MTU: 1500, EthernetHeader: true, Address: mac})
	if err != nil {
		return fmt.Errorf("fdbased endpoint on %s: %v", tap, err)
	}
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	if e := s.CreateNIC(nicID, newHookedLink(link)); e != nil {
		return fmt.Errorf("CreateNIC: %v", e)
	}
	protocolAddress := tcpip.ProtocolAddress{
		Protocol:          ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpip.Address(local), PrefixLen: prefixLength},
	}
	if e := s.AddProtocolAddress(nicID, protocolAddress, stack.AddressProperties{}); e != nil {
		return fmt.Errorf("AddProtocolAddress: %v", e)
	}
	s.SetRouteTable([]tcpip.Route{
		{Destination: protocolAddress.AddressWithPrefix.Subnet(), NIC: nicID},
		{Destination: defaultRoute(), Gateway: tcpip.Address(gw), NIC: nicID},
	})
	netstack = s
	return nil
}

// The default route's destination: 0.0.0.0/0.
func defaultRoute() tcpip.Subnet {
	subnet, _ := tcpip.NewSubnet(tcpip.Address(make([]byte, 4)), tcpip.AddressMask(make([]byte, 4)))
	return subnet
}

// A MAC address of the stack's own, derived from the TAP device's (whose
// address belongs to the kernel side of the link).
func tapAddress(tap string) (tcpip.LinkAddress, error) {
	iface, err := net.InterfaceByName(tap)
	if err != nil {
		return "", fmt.Errorf("TAP device %s: %v", tap, err)
	}
	mac := append(net.HardwareAddr(nil), iface.HardwareAddr...)
	if len(mac) != 6 {
		return "", fmt.Errorf("TAP device %s has no Ethernet address", tap)
	}
	mac[0] = (mac[0] | 0x02) &^ 0x01 // locally administered, unicast
	mac[5] ^= 0x01
	return tcpip.LinkAddress(mac), nil
}

func main() {}
