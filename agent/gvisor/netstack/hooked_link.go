// A link endpoint between the TAP device and the stack that shows every IP
// packet to the agent's packet hook: incoming ones before the stack sees
// them, outgoing ones before they reach the device. The hook may drop them
// (fault injection), as a host's firewall would.
package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define CLOSEPROBE_GVISOR_CGO
#include "gvisor_abi.h"
static int call_packet_hook(closeprobe_gvisor_packet_hook hook, uint8_t* packet, size_t length, int outgoing) {
	return hook(packet, length, outgoing);
}
*/
import "C"

import (
	"sync/atomic"
	"unsafe"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/nested"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

var packetHook atomic.Pointer[byte] // holds a closeprobe_gvisor_packet_hook

func setPacketHook(hook C.closeprobe_gvisor_packet_hook) {
	packetHook.Store((*byte)(unsafe.Pointer(hook)))
}

type hookedLink struct {
	nested.Endpoint
}

func newHookedLink(lower stack.LinkEndpoint) stack.LinkEndpoint {
	l := &hookedLink{}
	l.Endpoint.Init(lower, l)
	return l
}

// pass shows an IP packet's bytes to the hook; false: drop it. ARP passes
// unseen.
func pass(protocol tcpip.NetworkProtocolNumber, pkt stack.PacketBufferPtr, outgoing bool) bool {
	hook := packetHook.Load()
	if hook == nil || (protocol != header.IPv4ProtocolNumber && protocol != header.IPv6ProtocolNumber) {
		return true
	}
	buf := pkt.ToBuffer()
	buf.TrimFront(int64(len(pkt.VirtioNetHeader().Slice()) + len(pkt.LinkHeader().Slice())))
	bytes := buf.Flatten()
	buf.Release()
	if len(bytes) == 0 {
		return true
	}
	out := C.int(0)
	if outgoing {
		out = 1
	}
	p := (*C.uint8_t)(unsafe.Pointer(&bytes[0]))
	return C.call_packet_hook(C.closeprobe_gvisor_packet_hook(unsafe.Pointer(hook)), p, C.size_t(len(bytes)), out) != 0
}

func (l *hookedLink) DeliverNetworkPacket(protocol tcpip.NetworkProtocolNumber, pkt stack.PacketBufferPtr) {
	if pass(protocol, pkt, false) {
		l.Endpoint.DeliverNetworkPacket(protocol, pkt)
	}
}

func (l *hookedLink) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	var kept stack.PacketBufferList
	dropped := 0
	for _, pkt := range pkts.AsSlice() {
		if pass(pkt.NetworkProtocolNumber, pkt, true) {
			kept.PushBack(pkt)
		} else {
			dropped++
		}
	}
	if kept.Len() == 0 {
		return dropped, nil
	}
	n, err := l.Endpoint.WritePackets(kept)
	return n + dropped, err
}
