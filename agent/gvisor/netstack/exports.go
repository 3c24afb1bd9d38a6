// The C interface (gvisor_abi.h): conversions between C's sockaddr_in,
// buffers and strings and the Go calls. Only declarations may precede the
// exports (cgo's rule), so the header is all the preamble holds.
package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define CLOSEPROBE_GVISOR_CGO
#include "gvisor_abi.h"
*/
import "C"

import (
	"encoding/binary"
	"net"
	"unsafe"

	"gvisor.dev/gvisor/pkg/abi/linux"
	"gvisor.dev/gvisor/pkg/abi/linux/errno"
	"gvisor.dev/gvisor/pkg/tcpip"
)

const sockaddrInSize = 16

// toFullAddress reads a sockaddr_in; the unspecified address binds to all.
func toFullAddress(p unsafe.Pointer, length C.int) (tcpip.FullAddress, bool) {
	if p == nil || length < sockaddrInSize {
		return tcpip.FullAddress{}, false
	}
	b := C.GoBytes(p, sockaddrInSize)
	if *(*uint16)(p) != linux.AF_INET {
		return tcpip.FullAddress{}, false
	}
	addr := tcpip.FullAddress{Port: binary.BigEndian.Uint16(b[2:4])}
	if ip := b[4:8]; !net.IP(ip).IsUnspecified() {
		addr.Addr = tcpip.Address(ip)
	}
	return addr, true
}

// fromFullAddress writes a sockaddr_in (the unspecified address for none).
func fromFullAddress(a tcpip.FullAddress, p unsafe.Pointer, length *C.int) {
	if p == nil || length == nil || *length < sockaddrInSize {
		return
	}
	b := (*[sockaddrInSize]byte)(p)
	*b = [sockaddrInSize]byte{}
	*(*uint16)(p) = linux.AF_INET
	binary.BigEndian.PutUint16(b[2:4], a.Port)
	copy(b[4:8], a.Addr)
	*length = sockaddrInSize
}

// putString copies s into a C buffer of size n, NUL-terminated.
func putString(s string, out *C.char, n C.int) {
	if out == nil || n <= 0 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(out)), int(n))
	c := copy(b[:n-1], s)
	b[c] = 0
}

//export closeprobe_gvisor_start
func closeprobe_gvisor_start(tap *C.char, address *C.char, prefixLength C.int, gateway *C.char, errorOut *C.char, errorSize C.int) C.int {
	if err := startStack(C.GoString(tap), C.GoString(address), int(prefixLength), C.GoString(gateway)); err != nil {
		putString(err.Error(), errorOut, errorSize)
		return -1
	}
	return 0
}

//export closeprobe_gvisor_set_packet_hook
func closeprobe_gvisor_set_packet_hook(hook C.closeprobe_gvisor_packet_hook) { setPacketHook(hook) }

//export closeprobe_gvisor_socket
func closeprobe_gvisor_socket(domain C.int) C.int { return C.int(newSocket(int(domain))) }

//export closeprobe_gvisor_bind
func closeprobe_gvisor_bind(fd C.int, address unsafe.Pointer, length C.int) C.int {
	addr, ok := toFullAddress(address, length)
	if !ok {
		return -C.int(errno.EINVAL)
	}
	return C.int(bind(int(fd), addr))
}

//export closeprobe_gvisor_listen
func closeprobe_gvisor_listen(fd C.int, backlog C.int) C.int {
	return C.int(listen(int(fd), int(backlog)))
}

//export closeprobe_gvisor_accept
func closeprobe_gvisor_accept(fd C.int, address unsafe.Pointer, length *C.int) C.int {
	r, peer := accept(int(fd))
	if r >= 0 {
		fromFullAddress(peer, address, length)
	}
	return C.int(r)
}

//export closeprobe_gvisor_connect
func closeprobe_gvisor_connect(fd C.int, address unsafe.Pointer, length C.int) C.int {
	addr, ok := toFullAddress(address, length)
	if !ok {
		return -C.int(errno.EINVAL)
	}
	return C.int(connect(int(fd), addr))
}

//export closeprobe_gvisor_send
func closeprobe_gvisor_send(fd C.int, data unsafe.Pointer, size C.size_t, flags C.int) C.long {
	return C.long(send(int(fd), C.GoBytes(data, C.int(size))))
}

//export closeprobe_gvisor_recv
func closeprobe_gvisor_recv(fd C.int, data unsafe.Pointer, size C.size_t, flags C.int) C.long {
	buf := unsafe.Slice((*byte)(data), int(size))
	return C.long(recv(int(fd), buf, flags&linux.MSG_PEEK != 0))
}

//export closeprobe_gvisor_shutdown
func closeprobe_gvisor_shutdown(fd C.int, how C.int) C.int { return C.int(shutdown(int(fd), int(how))) }

//export closeprobe_gvisor_close
func closeprobe_gvisor_close(fd C.int) C.int { return C.int(closeSocket(int(fd))) }

//export closeprobe_gvisor_setsockopt
func closeprobe_gvisor_setsockopt(fd C.int, level C.int, name C.int, value unsafe.Pointer, length C.int) C.int {
	var v optionValue
	if isLinger(int(level), int(name)) {
		if length < 8 {
			return -C.int(errno.EINVAL)
		}
		pair := (*[2]int32)(value)
		v.lingerOn, v.lingerValue = pair[0] != 0, int(pair[1])
	} else {
		if length < 4 {
			return -C.int(errno.EINVAL)
		}
		v.value = int(*(*int32)(value))
	}
	return C.int(setOption(int(fd), int(level), int(name), v))
}

//export closeprobe_gvisor_getsockopt
func closeprobe_gvisor_getsockopt(fd C.int, level C.int, name C.int, value unsafe.Pointer, length *C.int) C.int {
	v, r := getOption(int(fd), int(level), int(name))
	if r < 0 {
		return C.int(r)
	}
	if isLinger(int(level), int(name)) {
		if *length < 8 {
			return -C.int(errno.EINVAL)
		}
		pair := (*[2]int32)(value)
		pair[0], pair[1] = int32(boolInt(v.lingerOn)), int32(v.lingerValue)
		*length = 8
		return 0
	}
	if *length < 4 {
		return -C.int(errno.EINVAL)
	}
	*(*int32)(value) = int32(v.value)
	*length = 4
	return 0
}

//export closeprobe_gvisor_fcntl
func closeprobe_gvisor_fcntl(fd C.int, command C.int, value C.int) C.int {
	return C.int(fcntl(int(fd), int(command), int(value)))
}

//export closeprobe_gvisor_poll
func closeprobe_gvisor_poll(fd C.int, events C.int, timeoutMs C.int) C.int {
	return C.int(poll(int(fd), uint32(events), int(timeoutMs)))
}

//export closeprobe_gvisor_getsockname
func closeprobe_gvisor_getsockname(fd C.int, address unsafe.Pointer, length *C.int) C.int {
	r, addr := name(int(fd), false)
	if r == 0 {
		fromFullAddress(addr, address, length)
	}
	return C.int(r)
}

//export closeprobe_gvisor_getpeername
func closeprobe_gvisor_getpeername(fd C.int, address unsafe.Pointer, length *C.int) C.int {
	r, addr := name(int(fd), true)
	if r == 0 {
		fromFullAddress(addr, address, length)
	}
	return C.int(r)
}

//export closeprobe_gvisor_connections
func closeprobe_gvisor_connections(port C.int, out *C.closeprobe_gvisor_connection, max C.int) C.int {
	found := connectionsOnPort(uint16(port))
	slots := unsafe.Slice(out, int(max))
	n := 0
	for _, c := range found {
		if n == int(max) {
			break
		}
		slot := &slots[n]
		putString(c.local, &slot.local[0], C.int(len(slot.local)))
		putString(c.remote, &slot.remote[0], C.int(len(slot.remote)))
		putString(c.state, &slot.state[0], C.int(len(slot.state)))
		slot.local_port = C.uint16_t(c.localPort)
		slot.remote_port = C.uint16_t(c.remotePort)
		slot.orphaned = C.int(boolInt(c.orphaned))
		n++
	}
	return C.int(n)
}

//export closeprobe_gvisor_set_setting
func closeprobe_gvisor_set_setting(name *C.char, value *C.char, previous *C.char, previousSize C.int) C.int {
	old, err := setSetting(C.GoString(name), C.GoString(value))
	switch {
	case err == errNoSuchSetting:
		return -C.int(errno.EINVAL)
	case err != nil:
		putString(err.Error(), previous, previousSize)
		return -C.int(errno.ERANGE)
	}
	putString(old, previous, previousSize)
	return 0
}

//export closeprobe_gvisor_describe
func closeprobe_gvisor_describe(out *C.char, size C.int) C.int {
	text := describe()
	putString(text, out, size)
	return C.int(len(text))
}

//export closeprobe_gvisor_error_names
func closeprobe_gvisor_error_names(errorNumber C.int, out *C.char, size C.int) C.int {
	names := errorNames[int(errorNumber)]
	putString(names, out, size)
	return C.int(len(names))
}
