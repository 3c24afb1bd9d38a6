// TCP states from the stack's own endpoints: those registered with its
// demuxer (connections and listeners), the dangling ones (closed by the
// application, still in FIN_WAIT_*, LAST_ACK, TIME_WAIT...), and the table's
// (a bound socket is registered nowhere).
package main

import (
	"net"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

type connection struct {
	local, remote         string
	localPort, remotePort uint16
	state                 string
	orphaned              bool
}

// The TcpState names of agent.proto for tcp.EndpointState (the sentry's
// State() maps the same way to Linux's numbers; Initial and Bound are
// BOUND here, as a bound socket is in the agent's other columns).
func stateName(s tcp.EndpointState) string {
	switch s {
	case tcp.StateEstablished:
		return "ESTABLISHED"
	case tcp.StateSynSent, tcp.StateConnecting:
		return "SYN_SENT"
	case tcp.StateSynRecv:
		return "SYN_RECEIVED"
	case tcp.StateFinWait1:
		return "FIN_WAIT_1"
	case tcp.StateFinWait2:
		return "FIN_WAIT_2"
	case tcp.StateTimeWait:
		return "TIME_WAIT"
	case tcp.StateCloseWait:
		return "CLOSE_WAIT"
	case tcp.StateLastAck:
		return "LAST_ACK"
	case tcp.StateListen:
		return "LISTEN"
	case tcp.StateClosing:
		return "CLOSING"
	case tcp.StateInitial, tcp.StateBound:
		return "BOUND"
	}
	return "CLOSED" // StateClose, StateError
}

func addressText(a tcpip.Address) string {
	if len(a) == 0 {
		return ""
	}
	return net.IP(a).String()
}

func connectionsOnPort(port uint16) []connection {
	open := map[tcpip.Endpoint]bool{}
	table.Lock()
	for _, s := range table.sockets {
		open[s.ep] = true
	}
	table.Unlock()
	seen := map[tcpip.Endpoint]bool{}
	var all []tcpip.Endpoint
	consider := func(ep tcpip.Endpoint) {
		if !seen[ep] {
			seen[ep] = true
			all = append(all, ep)
		}
	}
	if netstack != nil {
		for _, te := range netstack.RegisteredEndpoints() {
			if ep, ok := te.(tcpip.Endpoint); ok {
				consider(ep)
			}
		}
	}
	for _, ep := range tcpip.GetDanglingEndpoints() {
		consider(ep)
	}
	for ep := range open {
		consider(ep)
	}
	var out []connection
	for _, ep := range all {
		info, ok := ep.Info().(*stack.TransportEndpointInfo)
		if !ok || info.TransProto != tcp.ProtocolNumber {
			continue
		}
		id := info.ID
		if id.LocalPort != port && id.RemotePort != port {
			continue
		}
		out = append(out, connection{
			local: addressText(id.LocalAddress), localPort: id.LocalPort,
			remote: addressText(id.RemoteAddress), remotePort: id.RemotePort,
			state:    stateName(tcp.EndpointState(ep.State())),
			orphaned: !open[ep],
		})
	}
	return out
}
