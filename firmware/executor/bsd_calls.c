/* BSD-style socket calls behind the executor's stack interface (see
 * bsd_calls.h). Mirrors agent/bsd/bsd_socket_api.h, so an executor and
 * the native agent make the same calls for the same request. */
#include "bsd_calls.h"

#include <string.h>

#include "bsd_sys.h"

static cpx_result Complete(int64_t ret) {
  cpx_result r = {ret, 0, 0, 0, NULL};
  if (ret < 0) r.err = cpx_bsd_errno();
  return r;
}

static cpx_result Fail(int err, int unsupported) {
  cpx_result r = {-1, err, 0, unsupported, NULL};
  return r;
}

static cpx_result TimedOut(int64_t ret) {
  cpx_result r = {ret, 0, 1, 0, NULL};
  return r;
}

/* The executor's own `call` failed with `err`: no outcome of the stack. */
static cpx_result Fault(const char* call, int err) {
  cpx_result r = {-1, err, 0, 0, call};
  return r;
}

static int IsBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && (flags & O_NONBLOCK) == 0;
}

/* Waits for `events` (or an error/hangup) until the deadline: the poll
 * revents, or 0 when the wait ended without any, *ended then saying why: the
 * deadline passed (TIMEOUT), or the executor's own poll failed (a fault,
 * never an event the stack did not report). */
static short WaitFor(int fd, short events, int64_t deadline_ms, cpx_result* ended) {
  struct pollfd p;
  for (;;) {
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    int64_t left = deadline_ms - cpx_bsd_now_ms();
    if (left < 0) left = 0;
    const int n = poll(&p, 1, (int)left);
    if (n > 0) return p.revents;
    const int err = n < 0 ? cpx_bsd_errno() : 0;
    if (n < 0 && err != EINTR) {
      *ended = Fault("poll()", err);
      return 0;
    }
    if (n == 0 || cpx_bsd_now_ms() >= deadline_ms) {
      *ended = TimedOut(-1);
      return 0;
    }
  }
}

static int ToSockaddr(const cpx_addr* a, struct sockaddr_storage* ss, socklen_t* len) {
  memset(ss, 0, sizeof(*ss));
  if (a->v6) {
#if CPX_HAVE_INET6
    struct sockaddr_in6* s6 = (struct sockaddr_in6*)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a->port);
    if (inet_pton(AF_INET6, a->ip[0] ? a->ip : "::", &s6->sin6_addr) != 1) return -1;
    *len = sizeof(*s6);
    return 0;
#else
    return -1;
#endif
  }
  struct sockaddr_in* s4 = (struct sockaddr_in*)ss;
  s4->sin_family = AF_INET;
  s4->sin_port = htons(a->port);
  if (inet_pton(AF_INET, a->ip[0] ? a->ip : "0.0.0.0", &s4->sin_addr) != 1) return -1;
  *len = sizeof(*s4);
  return 0;
}

static void FromSockaddr(const struct sockaddr_storage* ss, cpx_addr* a) {
  memset(a, 0, sizeof(*a));
#if CPX_HAVE_INET6
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6* s6 = (const struct sockaddr_in6*)ss;
    a->v6 = 1;
    a->port = ntohs(s6->sin6_port);
    inet_ntop(AF_INET6, &s6->sin6_addr, a->ip, sizeof(a->ip));
    return;
  }
#endif
  const struct sockaddr_in* s4 = (const struct sockaddr_in*)ss;
  a->port = ntohs(s4->sin_port);
  inet_ntop(AF_INET, &s4->sin_addr, a->ip, sizeof(a->ip));
}

static cpx_result Socket(int inet6) {
#if !CPX_HAVE_INET6
  if (inet6) return Fail(EAFNOSUPPORT, 0);
#endif
  return Complete(socket(inet6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0));
}

static cpx_result Bind(int fd, const cpx_addr* local) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (ToSockaddr(local, &ss, &len) != 0) return Fail(EINVAL, 0);
  return Complete(bind(fd, (struct sockaddr*)&ss, len));
}

static cpx_result Listen(int fd, int backlog) { return Complete(listen(fd, backlog)); }

/* Whether `fd` listens (SO_ACCEPTCONN); a stack that cannot say counts as
 * listening. */
static int Listening(int fd) {
  int v = 1;
  socklen_t len = sizeof(v);
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0) return 1;
  return v != 0;
}

/* Only a listener is waited for: a blocking accept() on a socket that is not
 * listening answers at once (EINVAL on Linux, and on lwIP: lwip_accept()
 * maps netconn_accept()'s ERR_CLSD to it), and poll would never wake. */
static cpx_result Accept(int fd, int wait_ms, cpx_addr* peer) {
  cpx_result ended;
  if (IsBlocking(fd) && Listening(fd) &&
      WaitFor(fd, POLLIN, cpx_bsd_now_ms() + wait_ms, &ended) == 0) {
    return ended;
  }
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  cpx_result r = Complete(accept(fd, (struct sockaddr*)&ss, &len));
  if (r.ret >= 0) FromSockaddr(&ss, peer);
  return r;
}

/* A connect in progress whose socket polled writable: SO_ERROR says how it
 * ended, and a failed read of it is the executor's fault, not a success. */
static cpx_result ConnectOutcome(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
    return Fault("getsockopt(SO_ERROR)", cpx_bsd_errno());
  }
  cpx_result r = {err == 0 ? 0 : -1, err, 0, 0, NULL};
  return r;
}

/* A blocking connect is made non-blocking for the call and waited for with
 * poll; the outcome is the one the blocking call would have had (SO_ERROR). */
static cpx_result Connect(int fd, const cpx_addr* remote, int wait_ms) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (ToSockaddr(remote, &ss, &len) != 0) return Fail(EINVAL, 0);
  if (!IsBlocking(fd)) return Complete(connect(fd, (struct sockaddr*)&ss, len));
  const int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  cpx_result r = Complete(connect(fd, (struct sockaddr*)&ss, len));
  if (r.ret < 0 && r.err == EINPROGRESS &&
      WaitFor(fd, POLLOUT, cpx_bsd_now_ms() + wait_ms, &r) != 0) {
    r = ConnectOutcome(fd);
  }
  fcntl(fd, F_SETFL, flags);
  return r;
}

/* Filler comes from a chunk of `fill` bytes on the caller's stack, large
 * enough that a send the size of a case's ever is one call, as on the
 * native agent (workers have 8 KiB of stack on the board). */
#define FILL_CHUNK 4096

static ssize_t SendSome(int fd, const uint8_t* data, const uint8_t* chunk, size_t len,
                        size_t sent, int flags) {
  if (data != NULL) return send(fd, data + sent, len - sent, flags);
  return send(fd, chunk, len - sent < FILL_CHUNK ? len - sent : FILL_CHUNK, flags);
}

/* A blocking send is emulated with non-blocking sends and poll, so it
 * returns what the blocking call would (all bytes queued, or the error;
 * after a partial queueing, as CPX_BLOCKING_SEND_FAILS_WHOLE says) unless
 * the wait passes first. A non-blocking send of filler queues what
 * fits, as one send of that many bytes would. */
static cpx_result Send(int fd, const uint8_t* data, size_t len, uint8_t fill, int flags,
                       int wait_ms) {
  if (flags & CPX_FLAG_PEEK) return Fail(EINVAL, 0);
  uint8_t chunk[FILL_CHUNK];
  if (data == NULL) memset(chunk, fill, sizeof(chunk));
  const int dont_wait = (flags & CPX_FLAG_DONTWAIT) != 0;
  const int blocking = !dont_wait && IsBlocking(fd);
  const int call_flags = CPX_NOSIGNAL | (dont_wait || blocking ? MSG_DONTWAIT : 0);
  if (blocking || data == NULL) {
    const int64_t deadline = cpx_bsd_now_ms() + wait_ms;
    size_t sent = 0;
    do {
      cpx_result r = Complete(SendSome(fd, data, chunk, len, sent, call_flags));
      if (r.ret >= 0) {
        sent += (size_t)r.ret;
        continue;
      }
      if (r.err != EAGAIN && r.err != EWOULDBLOCK) {
        if (sent == 0 || (blocking && CPX_BLOCKING_SEND_FAILS_WHOLE)) return r;
        break; /* like the blocking call: report what was queued */
      }
      if (!blocking) {
        if (sent == 0) return r;
        break;
      }
      /* A socket that polls writable and takes nothing (an error event)
       * must not keep the call past its deadline. */
      if (cpx_bsd_now_ms() >= deadline) return TimedOut((int64_t)sent);
      if (WaitFor(fd, POLLOUT, deadline, &r) == 0) return r.fault ? r : TimedOut((int64_t)sent);
    } while (sent < len);
    return Complete((int64_t)sent);
  }
  return Complete(send(fd, data, len, call_flags));
}

/* The call itself never blocks: a blocking one waits with poll first. */
static cpx_result Recv(int fd, uint8_t* buf, size_t max, int flags, int wait_ms) {
  const int dont_wait = (flags & CPX_FLAG_DONTWAIT) != 0;
  cpx_result ended;
  if (!dont_wait && IsBlocking(fd) &&
      WaitFor(fd, POLLIN, cpx_bsd_now_ms() + wait_ms, &ended) == 0) {
    return ended;
  }
  return Complete(recv(fd, buf, max, ((flags & CPX_FLAG_PEEK) ? MSG_PEEK : 0) | MSG_DONTWAIT));
}

static cpx_result Shutdown(int fd, int how) {
  const int native = how == CPX_SHUT_RD ? SHUT_RD : how == CPX_SHUT_WR ? SHUT_WR : SHUT_RDWR;
  return Complete(shutdown(fd, native));
}

static cpx_result Close(int fd) { return Complete(close(fd)); }

static cpx_result Discard(int fd) {
  struct linger off;
  off.l_onoff = 0;
  off.l_linger = 0;
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
  return Complete(close(fd));
}

/* The level and name of an option; 0 when the stack has no such option. */
static int Lookup(int option, int* level, int* name) {
  switch (option) {
    case CPX_OPT_LINGER: *level = SOL_SOCKET; *name = SO_LINGER; return 1;
    case CPX_OPT_REUSEADDR: *level = SOL_SOCKET; *name = SO_REUSEADDR; return 1;
#if defined(SO_REUSEPORT) && !CPX_NO_REUSEPORT
    case CPX_OPT_REUSEPORT: *level = SOL_SOCKET; *name = SO_REUSEPORT; return 1;
#endif
    case CPX_OPT_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 1;
#ifdef TCP_KEEPIDLE
    case CPX_OPT_KEEPIDLE: *level = IPPROTO_TCP; *name = TCP_KEEPIDLE; return 1;
#endif
#ifdef TCP_KEEPINTVL
    case CPX_OPT_KEEPINTVL: *level = IPPROTO_TCP; *name = TCP_KEEPINTVL; return 1;
#endif
#ifdef TCP_KEEPCNT
    case CPX_OPT_KEEPCNT: *level = IPPROTO_TCP; *name = TCP_KEEPCNT; return 1;
#endif
#ifdef TCP_USER_TIMEOUT
    case CPX_OPT_USER_TIMEOUT: *level = IPPROTO_TCP; *name = TCP_USER_TIMEOUT; return 1;
#endif
    case CPX_OPT_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 1;
    case CPX_OPT_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 1;
    case CPX_OPT_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 1;
    case CPX_OPT_ERROR: *level = SOL_SOCKET; *name = SO_ERROR; return 1;
    default: return 0;
  }
}

/* A stack that answers ENOPROTOOPT has no such option. */
static cpx_result OptionResult(cpx_result r) {
  if (r.ret < 0 && r.err == ENOPROTOOPT) r.unsupported = 1;
  return r;
}

static cpx_result SetOpt(int fd, int option, int64_t a, int64_t b) {
  int level, name;
  if (!Lookup(option, &level, &name)) return Fail(ENOPROTOOPT, 1);
  if (option == CPX_OPT_LINGER) {
    struct linger l;
    l.l_onoff = (int)a;
    l.l_linger = (int)b;
    return OptionResult(Complete(setsockopt(fd, level, name, &l, sizeof(l))));
  }
  int v = (int)a;
  return OptionResult(Complete(setsockopt(fd, level, name, &v, sizeof(v))));
}

static cpx_result GetOpt(int fd, int option, int64_t* a, int64_t* b) {
  int level, name;
  if (!Lookup(option, &level, &name)) return Fail(ENOPROTOOPT, 1);
  if (option == CPX_OPT_LINGER) {
    struct linger l;
    memset(&l, 0, sizeof(l));
    socklen_t len = sizeof(l);
    cpx_result r = OptionResult(Complete(getsockopt(fd, level, name, &l, &len)));
    *a = l.l_onoff != 0;
    *b = l.l_linger;
    return r;
  }
  int v = 0;
  socklen_t len = sizeof(v);
  cpx_result r = OptionResult(Complete(getsockopt(fd, level, name, &v, &len)));
  *a = v;
  return r;
}

static cpx_result Blocking(int fd, int on) {
  const int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0) return Complete(-1);
  return Complete(fcntl(fd, F_SETFL, on ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK)));
}

static cpx_result Poll(int fd, unsigned events, int wait_ms, unsigned* revents) {
  short wanted = (short)(((events & CPX_EV_IN) ? POLLIN : 0) | ((events & CPX_EV_OUT) ? POLLOUT : 0));
  if (events & CPX_EV_RDHUP) {
    if (CPX_POLLRDHUP == 0) return Fail(ENOPROTOOPT, 1);
    wanted |= CPX_POLLRDHUP;
  }
  cpx_result ended = {0, 0, 0, 0, NULL};
  const short got = WaitFor(fd, wanted, cpx_bsd_now_ms() + wait_ms, &ended);
  if (ended.fault != NULL) return ended; /* no event, nor a timeout, was seen */
  *revents = ((got & POLLIN) ? CPX_EV_IN : 0) | ((got & POLLOUT) ? CPX_EV_OUT : 0) |
             ((CPX_POLLRDHUP != 0 && (got & CPX_POLLRDHUP)) ? CPX_EV_RDHUP : 0) |
             ((got & POLLHUP) ? CPX_EV_HUP : 0) | ((got & POLLERR) ? CPX_EV_ERR : 0) |
             ((got & POLLNVAL) ? CPX_EV_NVAL : 0);
  return Complete(got != 0 ? 1 : 0);
}

static cpx_result Name(int fd, int peer, cpx_addr* out) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  cpx_result r = Complete(peer ? getpeername(fd, (struct sockaddr*)&ss, &len)
                               : getsockname(fd, (struct sockaddr*)&ss, &len));
  if (r.ret == 0) FromSockaddr(&ss, out);
  return r;
}

void cpx_bsd_fill(cpx_stack* s) {
  s->socket = Socket;
  s->bind = Bind;
  s->listen = Listen;
  s->accept = Accept;
  s->connect = Connect;
  s->send = Send;
  s->recv = Recv;
  s->shutdown = Shutdown;
  s->close = Close;
  s->discard = Discard;
  s->setopt = SetOpt;
  s->getopt = GetOpt;
  s->blocking = Blocking;
  s->poll = Poll;
  s->name = Name;
}
