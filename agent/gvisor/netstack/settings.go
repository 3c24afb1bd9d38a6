// Stack settings gVisor's netstack has as transport protocol options,
// under the Linux sysctl names the case files use where the meaning is the
// same, and the compile-time defaults that decide close semantics.
package main

import (
	"fmt"
	"strconv"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// The gVisor snapshot this agent was built from (set at link time).
var snapshot = "unknown"

type setting struct {
	name string
	note string
	get  func() int
	set  func(int) tcpip.Error
}

// get and set read and write one transport protocol option of the stack.
func get(v tcpip.GettableTransportProtocolOption) {
	netstack.TransportProtocolOption(tcp.ProtocolNumber, v)
}
func set(v tcpip.SettableTransportProtocolOption) tcpip.Error {
	return netstack.SetTransportProtocolOption(tcp.ProtocolNumber, v)
}

func settings() []setting {
	return []setting{
		{"net.ipv4.tcp_fin_timeout", "seconds an orphan stays in FIN_WAIT_2 (tcpip.TCPLingerTimeoutOption)",
			func() int { var v tcpip.TCPLingerTimeoutOption; get(&v); return int(time.Duration(v).Seconds()) },
			func(n int) tcpip.Error {
				v := tcpip.TCPLingerTimeoutOption(time.Duration(n) * time.Second)
				return set(&v)
			}},
		{"gvisor.tcp_time_wait_timeout", "seconds in TIME_WAIT (tcpip.TCPTimeWaitTimeoutOption; Linux has no such setting)",
			func() int { var v tcpip.TCPTimeWaitTimeoutOption; get(&v); return int(time.Duration(v).Seconds()) },
			func(n int) tcpip.Error {
				v := tcpip.TCPTimeWaitTimeoutOption(time.Duration(n) * time.Second)
				return set(&v)
			}},
		{"net.ipv4.tcp_tw_reuse", "0 off, 1 on, 2 loopback only (tcpip.TCPTimeWaitReuseOption)",
			func() int { var v tcpip.TCPTimeWaitReuseOption; get(&v); return int(v) },
			func(n int) tcpip.Error { v := tcpip.TCPTimeWaitReuseOption(n); return set(&v) }},
		{"net.ipv4.tcp_retries2", "retransmissions before giving up (tcpip.TCPMaxRetriesOption: a count, where Linux turns it into a time budget)",
			func() int { var v tcpip.TCPMaxRetriesOption; get(&v); return int(v) },
			func(n int) tcpip.Error { v := tcpip.TCPMaxRetriesOption(n); return set(&v) }},
	}
}

// setSetting returns the previous value, or an error for a name gVisor
// has no setting for or a value it refuses.
func setSetting(name, value string) (string, error) {
	if netstack == nil {
		return "", fmt.Errorf("the gVisor stack is not running")
	}
	for _, s := range settings() {
		if s.name != name {
			continue
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || (name == "net.ipv4.tcp_tw_reuse" && n > 2) {
			return "", fmt.Errorf("bad value %q for %s (%s)", value, name, s.note)
		}
		previous := strconv.Itoa(s.get())
		if e := s.set(n); e != nil {
			return "", fmt.Errorf("gVisor refused %s=%s: %v", name, value, e)
		}
		return previous, nil
	}
	return "", errNoSuchSetting
}

var errNoSuchSetting = fmt.Errorf("no such setting")

func describe() string {
	out := fmt.Sprintf("snapshot=%s\n", snapshot)
	if netstack != nil {
		for _, s := range settings() {
			out += fmt.Sprintf("%s=%d\n", s.name, s.get())
		}
	}
	out += fmt.Sprintf("tcp.DefaultKeepaliveIdle=%d\n", int(tcp.DefaultKeepaliveIdle.Seconds()))
	out += fmt.Sprintf("tcp.DefaultKeepaliveInterval=%d\n", int(tcp.DefaultKeepaliveInterval.Seconds()))
	out += fmt.Sprintf("tcp.DefaultKeepaliveCount=%d\n", tcp.DefaultKeepaliveCount)
	out += fmt.Sprintf("tcp.DefaultTCPLingerTimeout=%d\n", int(tcp.DefaultTCPLingerTimeout.Seconds()))
	out += fmt.Sprintf("tcp.DefaultTCPTimeWaitTimeout=%d\n", int(tcp.DefaultTCPTimeWaitTimeout.Seconds()))
	return out
}
