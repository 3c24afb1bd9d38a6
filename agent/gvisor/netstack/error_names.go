// The tcpip errors behind an errno value: the native names of the gvisor
// column's errors. Calls return errno (what a sandboxed application sees);
// this inverts gVisor's mapping (pkg/syserr/netstack.go), naming every tcpip
// error that maps to the value when several do.
package main

import (
	"fmt"
	"sort"
	"strings"

	"gvisor.dev/gvisor/pkg/syserr"
	"gvisor.dev/gvisor/pkg/tcpip"
)

var tcpipErrors = []tcpip.Error{
	&tcpip.ErrAborted{},
	&tcpip.ErrAddressFamilyNotSupported{},
	&tcpip.ErrAlreadyBound{},
	&tcpip.ErrAlreadyConnected{},
	&tcpip.ErrAlreadyConnecting{},
	&tcpip.ErrBadAddress{},
	&tcpip.ErrBadBuffer{},
	&tcpip.ErrBadLocalAddress{},
	&tcpip.ErrBroadcastDisabled{},
	&tcpip.ErrClosedForReceive{},
	&tcpip.ErrClosedForSend{},
	&tcpip.ErrConnectStarted{},
	&tcpip.ErrConnectionAborted{},
	&tcpip.ErrConnectionRefused{},
	&tcpip.ErrConnectionReset{},
	&tcpip.ErrDestinationRequired{},
	&tcpip.ErrDuplicateAddress{},
	&tcpip.ErrDuplicateNICID{},
	&tcpip.ErrInvalidEndpointState{},
	&tcpip.ErrInvalidOptionValue{},
	&tcpip.ErrInvalidPortRange{},
	&tcpip.ErrMalformedHeader{},
	&tcpip.ErrMessageTooLong{},
	&tcpip.ErrNetworkUnreachable{},
	&tcpip.ErrNoBufferSpace{},
	&tcpip.ErrNoPortAvailable{},
	&tcpip.ErrHostUnreachable{},
	&tcpip.ErrNoSuchFile{},
	&tcpip.ErrNotConnected{},
	&tcpip.ErrNotPermitted{},
	&tcpip.ErrNotSupported{},
	&tcpip.ErrPortInUse{},
	&tcpip.ErrQueueSizeNotSupported{},
	&tcpip.ErrTimeout{},
	&tcpip.ErrUnknownDevice{},
	&tcpip.ErrUnknownNICID{},
	&tcpip.ErrUnknownProtocol{},
	&tcpip.ErrUnknownProtocolOption{},
	&tcpip.ErrWouldBlock{},
	&tcpip.ErrMissingRequiredFields{},
	&tcpip.ErrMulticastInputCannotBeOutput{},
}

// errorNames maps an errno value to "ErrA|ErrB" (sorted); "" for none.
var errorNames = func() map[int]string {
	byErrno := map[int][]string{}
	for _, e := range tcpipErrors {
		n := int(syserr.TranslateNetstackError(e).ToLinux())
		byErrno[n] = append(byErrno[n], strings.TrimPrefix(fmt.Sprintf("%T", e), "*tcpip."))
	}
	out := map[int]string{}
	for n, names := range byErrno {
		sort.Strings(names)
		out[n] = strings.Join(names, "|")
	}
	return out
}()
