// The socket table: BSD-style descriptors over gVisor tcpip endpoints, with
// the semantics gVisor's sentry gives applications on top of the endpoint
// (pkg/sentry/socket/netstack/netstack.go): EOF for ErrClosedForReceive,
// SO_LINGER's wait in close, SO_ERROR from the endpoint's last error, and
// errors mapped to Linux errno values by pkg/syserr.
//
// Every call is non-blocking; the C++ side waits with poll, as it does for
// the other stacks.
package main

import (
	"bytes"
	"io"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/abi/linux"
	"gvisor.dev/gvisor/pkg/abi/linux/errno"
	"gvisor.dev/gvisor/pkg/syserr"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

type socket struct {
	ep          tcpip.Endpoint
	wq          *waiter.Queue
	family      int
	nonblocking bool
}

var table = struct {
	sync.Mutex
	next    int
	sockets map[int]*socket
}{next: 3, sockets: map[int]*socket{}}

func add(s *socket) int {
	table.Lock()
	defer table.Unlock()
	fd := table.next
	table.next++
	table.sockets[fd] = s
	return fd
}

func lookup(fd int) (*socket, int) {
	table.Lock()
	defer table.Unlock()
	s, ok := table.sockets[fd]
	if !ok {
		return nil, -int(errno.EBADF)
	}
	return s, 0
}

// errno of a tcpip error, as gVisor's sentry maps it (negative).
func fail(err tcpip.Error) int {
	return -int(syserr.TranslateNetstackError(err).ToLinux())
}

func newSocket(domain int) int {
	if netstack == nil {
		return -int(errno.ENETDOWN)
	}
	if domain != linux.AF_INET { // the stack is IPv4 only
		return -int(errno.EAFNOSUPPORT)
	}
	wq := &waiter.Queue{}
	ep, err := netstack.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, wq)
	if err != nil {
		return fail(err)
	}
	return add(&socket{ep: ep, wq: wq, family: domain})
}

func bind(fd int, addr tcpip.FullAddress) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	if err := s.ep.Bind(addr); err != nil {
		return fail(err)
	}
	return 0
}

// maxListenBacklog is the sentry's cap (pkg/sentry/syscalls/linux/sys_socket.go).
const maxListenBacklog = 1024

// listen is the sentry's Listen(): the backlog, read as unsigned and capped,
// plus one, since Linux's full-queue test lets one more in than asked
// (pkg/sentry/syscalls/linux/sys_socket.go); the endpoint holds exactly
// what it is given.
func listen(fd, backlog int) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	if uint32(backlog) > maxListenBacklog {
		backlog = maxListenBacklog
	}
	if err := s.ep.Listen(backlog + 1); err != nil {
		return fail(err)
	}
	return 0
}

func accept(fd int) (int, tcpip.FullAddress) {
	var peer tcpip.FullAddress
	s, e := lookup(fd)
	if s == nil {
		return e, peer
	}
	ep, wq, err := s.ep.Accept(&peer)
	if err != nil {
		return fail(err), peer
	}
	return add(&socket{ep: ep, wq: wq, family: s.family}), peer
}

func connect(fd int, addr tcpip.FullAddress) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	if err := s.ep.Connect(addr); err != nil {
		return fail(err)
	}
	return 0
}

func send(fd int, data []byte) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	n, err := s.ep.Write(bytes.NewReader(data), tcpip.WriteOptions{})
	if err != nil && n == 0 {
		return fail(err)
	}
	return int(n)
}

// limitedWriter keeps at most len(buf) bytes. A write it cannot take whole
// is a short write with an error: the endpoint's Read loop stops only on an
// error, and keeps what was taken.
type limitedWriter struct {
	buf []byte
	n   int
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	c := copy(w.buf[w.n:], p)
	w.n += c
	if c < len(p) {
		return c, io.ErrShortWrite
	}
	return c, nil
}

func recv(fd int, buf []byte, peek bool) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	if len(buf) == 0 {
		return 0
	}
	w := &limitedWriter{buf: buf}
	_, err := s.ep.Read(w, tcpip.ReadOptions{Peek: peek})
	if err != nil {
		if _, eof := err.(*tcpip.ErrClosedForReceive); eof {
			return 0
		}
		return fail(err)
	}
	return w.n
}

func shutdown(fd, how int) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	var flags tcpip.ShutdownFlags
	switch how {
	case linux.SHUT_RD:
		flags = tcpip.ShutdownRead
	case linux.SHUT_WR:
		flags = tcpip.ShutdownWrite
	case linux.SHUT_RDWR:
		flags = tcpip.ShutdownRead | tcpip.ShutdownWrite
	default:
		return -int(errno.EINVAL)
	}
	if err := s.ep.Shutdown(flags); err != nil {
		return fail(err)
	}
	return 0
}

// closeSocket closes like the sentry's Release: with SO_LINGER {1, N>0} it
// waits until the endpoint hangs up or N passes ({1, 0} resets inside the
// endpoint's Close).
func closeSocket(fd int) int {
	table.Lock()
	s, ok := table.sockets[fd]
	delete(table.sockets, fd)
	table.Unlock()
	if !ok {
		return -int(errno.EBADF)
	}
	entry, ch := waiter.NewChannelEntry(waiter.EventHUp | waiter.EventErr)
	s.wq.EventRegister(&entry)
	defer s.wq.EventUnregister(&entry)
	s.ep.Close()
	if linger := s.ep.SocketOptions().GetLinger(); linger.Enabled && linger.Timeout != 0 {
		select {
		case <-ch:
		case <-time.After(linger.Timeout):
		}
	}
	return 0
}

// poll waits up to timeoutMs (-1: forever) for the events (Linux poll bits)
// or a hangup or error; returns the events that fired, 0 at the deadline.
func poll(fd int, events uint32, timeoutMs int) int {
	s, _ := lookup(fd)
	if s == nil {
		return int(linux.POLLNVAL)
	}
	mask := waiter.EventMaskFromLinux(events) | waiter.EventHUp | waiter.EventErr
	entry, ch := waiter.NewChannelEntry(mask)
	s.wq.EventRegister(&entry)
	defer s.wq.EventUnregister(&entry)
	var deadline <-chan time.Time
	if timeoutMs >= 0 {
		timer := time.NewTimer(time.Duration(timeoutMs) * time.Millisecond)
		defer timer.Stop()
		deadline = timer.C
	}
	for {
		if ready := s.ep.Readiness(mask); ready != 0 {
			return int(ready.ToLinux())
		}
		select {
		case <-ch:
		case <-deadline:
			return int(s.ep.Readiness(mask).ToLinux())
		}
	}
}

func fcntl(fd, command, value int) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	switch command {
	case linux.F_GETFL:
		if s.nonblocking {
			return linux.O_RDWR | linux.O_NONBLOCK
		}
		return linux.O_RDWR
	case linux.F_SETFL:
		s.nonblocking = value&linux.O_NONBLOCK != 0
		return 0
	}
	return -int(errno.EINVAL)
}

func name(fd int, peer bool) (int, tcpip.FullAddress) {
	s, e := lookup(fd)
	if s == nil {
		return e, tcpip.FullAddress{}
	}
	var addr tcpip.FullAddress
	var err tcpip.Error
	if peer {
		addr, err = s.ep.GetRemoteAddress()
	} else {
		addr, err = s.ep.GetLocalAddress()
	}
	if err != nil {
		return fail(err), addr
	}
	return 0, addr
}
