// Socket options, as gVisor's sentry sets and reads them on the endpoint
// (pkg/sentry/socket/netstack/netstack.go: setSockOptSocket, setSockOptTCP,
// getSockOptSocket, getSockOptTCP).
package main

import (
	"time"

	"gvisor.dev/gvisor/pkg/abi/linux"
	"gvisor.dev/gvisor/pkg/abi/linux/errno"
	"gvisor.dev/gvisor/pkg/syserr"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// An option's value: an int, or SO_LINGER's pair.
type optionValue struct {
	value       int
	lingerOn    bool
	lingerValue int
}

func isLinger(level, name int) bool { return level == linux.SOL_SOCKET && name == linux.SO_LINGER }

func setOption(fd, level, name int, v optionValue) int {
	s, e := lookup(fd)
	if s == nil {
		return e
	}
	opts := s.ep.SocketOptions()
	var err tcpip.Error
	switch {
	case isLinger(level, name):
		opts.SetLinger(tcpip.LingerOption{Enabled: v.lingerOn, Timeout: time.Second * time.Duration(v.lingerValue)})
	case level == linux.SOL_SOCKET && name == linux.SO_REUSEADDR:
		opts.SetReuseAddress(v.value != 0)
	case level == linux.SOL_SOCKET && name == linux.SO_REUSEPORT:
		opts.SetReusePort(v.value != 0)
	case level == linux.SOL_SOCKET && name == linux.SO_KEEPALIVE:
		opts.SetKeepAlive(v.value != 0)
	case level == linux.SOL_SOCKET && name == linux.SO_SNDBUF:
		opts.SetSendBufferSize(int64(v.value), true)
	case level == linux.SOL_SOCKET && name == linux.SO_RCVBUF:
		opts.SetReceiveBufferSize(int64(v.value), true)
	case level == linux.SOL_TCP && name == linux.TCP_NODELAY:
		opts.SetDelayOption(v.value == 0)
	case level == linux.SOL_TCP && name == linux.TCP_KEEPIDLE:
		if v.value < 1 || v.value > linux.MAX_TCP_KEEPIDLE {
			return -int(errno.EINVAL)
		}
		opt := tcpip.KeepaliveIdleOption(time.Second * time.Duration(v.value))
		err = s.ep.SetSockOpt(&opt)
	case level == linux.SOL_TCP && name == linux.TCP_KEEPINTVL:
		if v.value < 1 || v.value > linux.MAX_TCP_KEEPINTVL {
			return -int(errno.EINVAL)
		}
		opt := tcpip.KeepaliveIntervalOption(time.Second * time.Duration(v.value))
		err = s.ep.SetSockOpt(&opt)
	case level == linux.SOL_TCP && name == linux.TCP_KEEPCNT:
		if v.value < 1 || v.value > linux.MAX_TCP_KEEPCNT {
			return -int(errno.EINVAL)
		}
		err = s.ep.SetSockOptInt(tcpip.KeepaliveCountOption, v.value)
	case level == linux.SOL_TCP && name == linux.TCP_USER_TIMEOUT:
		if v.value < 0 {
			return -int(errno.EINVAL)
		}
		opt := tcpip.TCPUserTimeoutOption(time.Millisecond * time.Duration(v.value))
		err = s.ep.SetSockOpt(&opt)
	default:
		return -int(errno.ENOPROTOOPT)
	}
	if err != nil {
		return fail(err)
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func getOption(fd, level, name int) (optionValue, int) {
	var v optionValue
	s, e := lookup(fd)
	if s == nil {
		return v, e
	}
	opts := s.ep.SocketOptions()
	var err tcpip.Error
	switch {
	case isLinger(level, name):
		l := opts.GetLinger()
		v.lingerOn, v.lingerValue = l.Enabled, int(l.Timeout.Seconds())
	case level == linux.SOL_SOCKET && name == linux.SO_REUSEADDR:
		v.value = boolInt(opts.GetReuseAddress())
	case level == linux.SOL_SOCKET && name == linux.SO_REUSEPORT:
		v.value = boolInt(opts.GetReusePort())
	case level == linux.SOL_SOCKET && name == linux.SO_KEEPALIVE:
		v.value = boolInt(opts.GetKeepAlive())
	case level == linux.SOL_SOCKET && name == linux.SO_SNDBUF:
		v.value = int(opts.GetSendBufferSize())
	case level == linux.SOL_SOCKET && name == linux.SO_RCVBUF:
		v.value = int(opts.GetReceiveBufferSize())
	case level == linux.SOL_SOCKET && name == linux.SO_ERROR:
		if last := opts.GetLastError(); last != nil {
			v.value = int(syserr.TranslateNetstackError(last).ToLinux())
		}
	case level == linux.SOL_TCP && name == linux.TCP_NODELAY:
		v.value = boolInt(!opts.GetDelayOption())
	case level == linux.SOL_TCP && name == linux.TCP_KEEPIDLE:
		var opt tcpip.KeepaliveIdleOption
		err = s.ep.GetSockOpt(&opt)
		v.value = int(time.Duration(opt).Seconds())
	case level == linux.SOL_TCP && name == linux.TCP_KEEPINTVL:
		var opt tcpip.KeepaliveIntervalOption
		err = s.ep.GetSockOpt(&opt)
		v.value = int(time.Duration(opt).Seconds())
	case level == linux.SOL_TCP && name == linux.TCP_KEEPCNT:
		v.value, err = s.ep.GetSockOptInt(tcpip.KeepaliveCountOption)
	case level == linux.SOL_TCP && name == linux.TCP_USER_TIMEOUT:
		var opt tcpip.TCPUserTimeoutOption
		err = s.ep.GetSockOpt(&opt)
		v.value = int(time.Duration(opt).Milliseconds())
	default:
		return v, -int(errno.ENOPROTOOPT)
	}
	if err != nil {
		return v, fail(err)
	}
	return v, 0
}
