/* The executor's core: framing, validation, dispatch and replies of cpx/1
 * (docs/executor-protocol.md). Stack- and machine-independent. */
#include "executor.h"

#include <string.h>

enum {
  V_SOCKET, V_BIND, V_LISTEN, V_ACCEPT, V_CONNECT, V_SEND, V_SENDFILL, V_RECV,
  V_SHUTDOWN, V_CLOSE, V_DISCARD, V_SETOPT, V_GETOPT, V_BLOCKING, V_POLL,
  V_GETSOCKNAME, V_GETPEERNAME,
  V_FIRST_INLINE,
  V_HELLO = V_FIRST_INLINE, V_TIME, V_STATE, V_LOOKUP, V_PCBS, V_STATS, V_ADVANCE, V_IFCONFIG,
  V_FAULT, V_UNFAULT, V_REBOOT,
  V_COUNT
};

/* Verb names and their argument counts (min..max after the verb). */
static const struct {
  const char* name;
  int min_args, max_args;
} kVerbs[V_COUNT] = {
    [V_SOCKET] = {"SOCKET", 1, 1},       [V_BIND] = {"BIND", 2, 2},
    [V_LISTEN] = {"LISTEN", 2, 2},       [V_ACCEPT] = {"ACCEPT", 2, 2},
    [V_CONNECT] = {"CONNECT", 3, 3},     [V_SEND] = {"SEND", 4, 4},
    [V_SENDFILL] = {"SENDFILL", 5, 5},   [V_RECV] = {"RECV", 4, 4},
    [V_SHUTDOWN] = {"SHUTDOWN", 2, 2},   [V_CLOSE] = {"CLOSE", 1, 1},
    [V_DISCARD] = {"DISCARD", 1, 1},     [V_SETOPT] = {"SETOPT", 3, 4},
    [V_GETOPT] = {"GETOPT", 2, 2},       [V_BLOCKING] = {"BLOCKING", 2, 2},
    [V_POLL] = {"POLL", 3, 3},           [V_GETSOCKNAME] = {"GETSOCKNAME", 1, 1},
    [V_GETPEERNAME] = {"GETPEERNAME", 1, 1},
    [V_HELLO] = {"HELLO", 0, 0},         [V_TIME] = {"TIME", 0, 0},
    [V_STATE] = {"STATE", 1, 1},         [V_LOOKUP] = {"LOOKUP", 2, 2},
    [V_PCBS] = {"PCBS", 0, 1},           [V_STATS] = {"STATS", 0, 0},
    [V_ADVANCE] = {"ADVANCE", 1, 1},     [V_IFCONFIG] = {"IFCONFIG", 3, 3},
    [V_FAULT] = {"FAULT", 6, 6},         [V_UNFAULT] = {"UNFAULT", 1, 1},
    [V_REBOOT] = {"REBOOT", 0, 0},
};

static const char* const kOptions[] = {
    [CPX_OPT_LINGER] = "LINGER",       [CPX_OPT_REUSEADDR] = "REUSEADDR",
    [CPX_OPT_REUSEPORT] = "REUSEPORT", [CPX_OPT_EXCLUSIVEADDRUSE] = "EXCLUSIVEADDRUSE",
    [CPX_OPT_KEEPALIVE] = "KEEPALIVE", [CPX_OPT_KEEPIDLE] = "KEEPIDLE",
    [CPX_OPT_KEEPINTVL] = "KEEPINTVL", [CPX_OPT_KEEPCNT] = "KEEPCNT",
    [CPX_OPT_USER_TIMEOUT] = "USER_TIMEOUT", [CPX_OPT_SNDBUF] = "SNDBUF",
    [CPX_OPT_RCVBUF] = "RCVBUF",       [CPX_OPT_NODELAY] = "NODELAY",
    [CPX_OPT_ERROR] = "ERROR",
};
#define NUM_OPTIONS ((int)(sizeof(kOptions) / sizeof(kOptions[0])))

/* Event and flag names by bit, in the order replies list them. */
static const char* const kEvents[] = {"IN", "OUT", "RDHUP", "HUP", "ERR", "NVAL"};
static const char* const kFlags[] = {"PEEK", "DONTWAIT"};

static int IsSocketCall(int verb) { return verb < V_FIRST_INLINE; }

void cpx_init(cpx_executor* ex, const cpx_port* port, const cpx_stack* stack) {
  memset(ex, 0, sizeof(*ex));
  ex->port = port;
  ex->stack = stack;
}

static uint64_t Now(cpx_executor* ex) { return ex->port->now_us(ex->port->ctx); }

static void Send(cpx_executor* ex, cpx_out* o) {
  /* A reply that did not fit is cut at a token boundary and says so, so
   * the host never parses half a token. */
  if (o->overflow) {
    while (o->len > 0 && o->buf[o->len - 1] != ' ') --o->len;
    o->buf[o->len] = '\0';
    o->overflow = 0;
    cpx_put(o, "truncated=1");
  }
  o->buf[o->len] = '\n';
  ex->port->write(ex->port->ctx, o->buf, o->len + 1);
}

/* A reply line has room for '\n' after it. */
static void StartReply(cpx_out* o, char* buf, const char* id, const char* status) {
  cpx_out_init(o, buf, CPX_LINE_MAX - 1);
  cpx_put(o, id);
  cpx_put(o, " ");
  cpx_put(o, status);
}

static void ReplyBad(cpx_executor* ex, const char* id, const char* why) {
  cpx_out o;
  StartReply(&o, ex->reply, id, "BAD");
  cpx_put_kv(&o, "why", why);
  Send(ex, &o);
}

void cpx_announce_boot(cpx_executor* ex) {
  cpx_out o;
  cpx_out_init(&o, ex->reply, CPX_LINE_MAX - 1);
  cpx_put(&o, "* BOOT proto=cpx/1");
  ex->stack->hello(&o);
  cpx_put_kv_i64(&o, "t1", (int64_t)Now(ex));
  Send(ex, &o);
}

/* ---- parsing of arguments ---------------------------------------------- */

static int ParseInt(const char* t, int64_t lo, int64_t hi, int64_t* v) {
  return cpx_parse_i64(t, v) == 0 && *v >= lo && *v <= hi ? 0 : -1;
}

static int ParseFd(const char* t, int* fd) {
  int64_t v;
  if (ParseInt(t, 0, 1 << 30, &v) != 0) return -1;
  *fd = (int)v;
  return 0;
}

static int ParseWait(const char* t, int* wait_ms) {
  int64_t v;
  if (ParseInt(t, 0, 3600 * 1000, &v) != 0) return -1;
  *wait_ms = (int)v;
  return 0;
}

/* "-" or '|'-joined names from `names`, each one bit. */
static int ParseBits(const char* t, const char* const* names, int count, unsigned* bits) {
  *bits = 0;
  if (cpx_streq(t, "-")) return 0;
  while (*t) {
    const char* end = strchr(t, '|');
    const size_t n = end ? (size_t)(end - t) : strlen(t);
    int found = -1;
    for (int i = 0; i < count; ++i) {
      if (strlen(names[i]) == n && strncmp(names[i], t, n) == 0) found = i;
    }
    if (found < 0) return -1;
    *bits |= 1u << found;
    t += n;
    if (*t == '|') {
      ++t;
      if (*t == '\0') return -1;
    }
  }
  return 0;
}

static int ParseOption(const char* t, int* option) {
  for (int i = 0; i < NUM_OPTIONS; ++i) {
    if (cpx_streq(kOptions[i], t)) {
      *option = i;
      return 0;
    }
  }
  return -1;
}

/* Validates the arguments of a socket call into `c`; -1 if malformed. */
static int ParseCall(int verb, char** arg, int argc, cpx_call* c) {
  memset(c, 0, sizeof(*c));
  c->verb = verb;
  if (verb == V_SOCKET) {
    if (cpx_streq(arg[0], "INET")) return 0;
    if (cpx_streq(arg[0], "INET6")) return c->a = 1, 0;
    return -1;
  }
  if (ParseFd(arg[0], &c->fd) != 0) return -1;
  switch (verb) {
    case V_BIND:
      return cpx_parse_addr(arg[1], &c->addr);
    case V_LISTEN:
      return ParseInt(arg[1], 0, 65535, &c->a);
    case V_ACCEPT:
      return ParseWait(arg[1], &c->wait_ms);
    case V_CONNECT:
      if (cpx_parse_addr(arg[1], &c->addr) != 0) return -1;
      return ParseWait(arg[2], &c->wait_ms);
    case V_SEND: {
      if (ParseWait(arg[1], &c->wait_ms) != 0 || ParseBits(arg[2], kFlags, 2, &c->bits) != 0) {
        return -1;
      }
      const long n = cpx_parse_hex(arg[3], (uint8_t*)arg[3], strlen(arg[3]));
      if (n < 0) return -1;
      c->data = (const uint8_t*)arg[3];
      c->len = (size_t)n;
      return 0;
    }
    case V_SENDFILL: {
      uint8_t byte[2];
      if (ParseInt(arg[1], 0, INT64_C(1) << 40, &c->a) != 0) return -1;
      c->len = (size_t)c->a;
      if (strlen(arg[2]) != 2 || cpx_parse_hex(arg[2], byte, 1) != 1) return -1;
      c->fill = byte[0];
      if (ParseWait(arg[3], &c->wait_ms) != 0) return -1;
      return ParseBits(arg[4], kFlags, 2, &c->bits);
    }
    case V_RECV:
      if (ParseInt(arg[1], 1, INT64_C(1) << 30, &c->a) != 0) return -1;
      if (ParseWait(arg[2], &c->wait_ms) != 0) return -1;
      return ParseBits(arg[3], kFlags, 2, &c->bits);
    case V_SHUTDOWN:
      if (cpx_streq(arg[1], "RD")) c->bits = CPX_SHUT_RD;
      else if (cpx_streq(arg[1], "WR")) c->bits = CPX_SHUT_WR;
      else if (cpx_streq(arg[1], "RDWR")) c->bits = CPX_SHUT_RDWR;
      else return -1;
      return 0;
    case V_SETOPT:
      if (ParseOption(arg[1], &c->option) != 0 || c->option == CPX_OPT_ERROR) return -1;
      if (c->option == CPX_OPT_LINGER) {
        return argc == 4 && ParseInt(arg[2], 0, 1, &c->a) == 0 &&
                       ParseInt(arg[3], 0, 65535, &c->b) == 0
                   ? 0
                   : -1;
      }
      return argc == 3 ? ParseInt(arg[2], 0, INT64_C(1) << 31, &c->a) : -1;
    case V_GETOPT:
      return ParseOption(arg[1], &c->option);
    case V_BLOCKING:
      return ParseInt(arg[1], 0, 1, &c->a);
    case V_POLL:
      if (ParseBits(arg[1], kEvents, 3, &c->bits) != 0 || c->bits == 0) return -1;
      return ParseWait(arg[2], &c->wait_ms);
    default:
      return 0; /* CLOSE, DISCARD, GETSOCKNAME, GETPEERNAME: the fd only */
  }
}

/* ---- socket calls, on a worker ----------------------------------------- */

static cpx_result Call(const cpx_stack* s, cpx_job* job) {
  cpx_call* c = &job->call;
  switch (c->verb) {
    case V_SOCKET: return s->socket((int)c->a);
    case V_BIND: return s->bind(c->fd, &c->addr);
    case V_LISTEN: return s->listen(c->fd, (int)c->a);
    case V_ACCEPT: return s->accept(c->fd, c->wait_ms, &c->addr);
    case V_CONNECT: return s->connect(c->fd, &c->addr, c->wait_ms);
    case V_SEND: return s->send(c->fd, c->data, c->len, 0, (int)c->bits, c->wait_ms);
    case V_SENDFILL: return s->send(c->fd, NULL, c->len, c->fill, (int)c->bits, c->wait_ms);
    case V_RECV: {
      const size_t max = c->a > CPX_RECV_MAX ? CPX_RECV_MAX : (size_t)c->a;
      return s->recv(c->fd, job->data, max, (int)c->bits, c->wait_ms);
    }
    case V_SHUTDOWN: return s->shutdown(c->fd, (int)c->bits);
    case V_CLOSE: return s->close(c->fd);
    case V_DISCARD: return s->discard(c->fd);
    case V_SETOPT: return s->setopt(c->fd, c->option, c->a, c->b);
    case V_GETOPT: return s->getopt(c->fd, c->option, &c->a, &c->b);
    case V_BLOCKING: return s->blocking(c->fd, (int)c->a);
    case V_POLL: {
      unsigned revents = 0;
      cpx_result r = s->poll(c->fd, c->bits, c->wait_ms, &revents);
      c->bits = revents;
      return r;
    }
    case V_GETSOCKNAME: return s->name(c->fd, 0, &c->addr);
    case V_GETPEERNAME: return s->name(c->fd, 1, &c->addr);
    default: {
      cpx_result r = {-1, 0, 0, 1, NULL};
      return r;
    }
  }
}

static void PutBits(cpx_out* o, const char* key, unsigned bits, const char* const* names,
                    int count) {
  cpx_put(o, " ");
  cpx_put(o, key);
  cpx_put(o, "=");
  if (bits == 0) cpx_put(o, "-");
  int first = 1;
  for (int i = 0; i < count; ++i) {
    if ((bits & (1u << i)) == 0) continue;
    if (!first) cpx_put(o, "|");
    cpx_put(o, names[i]);
    first = 0;
  }
}

/* What the call produced beyond ret, on success. */
static void PutOutputs(cpx_out* o, cpx_job* job, const cpx_result* r) {
  cpx_call* c = &job->call;
  switch (c->verb) {
    case V_ACCEPT:
      cpx_put(o, " peer=");
      cpx_put_addr(o, &c->addr);
      break;
    case V_GETSOCKNAME:
    case V_GETPEERNAME:
      cpx_put(o, " addr=");
      cpx_put_addr(o, &c->addr);
      break;
    case V_RECV:
      cpx_put(o, " data=");
      cpx_put_hex(o, job->data, r->ret > 0 ? (size_t)r->ret : 0);
      break;
    case V_GETOPT:
      if (c->option == CPX_OPT_LINGER) {
        cpx_put_kv_i64(o, "on", c->a);
        cpx_put_kv_i64(o, "secs", c->b);
      } else {
        cpx_put_kv_i64(o, "value", c->a);
      }
      break;
    case V_POLL:
      PutBits(o, "revents", c->bits, kEvents, 6);
      break;
    default:
      break;
  }
}

static void PutResult(cpx_executor* ex, cpx_out* o, const char* id, const cpx_result* r) {
  if (r->fault != NULL) {
    StartReply(o, o->buf, id, "INTERNAL");
    cpx_put_kv_i64(o, "ret", -1);
    cpx_put_kv(o, "call", r->fault);
    cpx_put_kv(o, "errno", ex->stack->errno_name(r->err));
    cpx_put_kv_i64(o, "errno_raw", r->err);
  } else if (r->timed_out) {
    StartReply(o, o->buf, id, "TIMEOUT");
    cpx_put_kv_i64(o, "ret", r->ret < 0 ? 0 : r->ret);
  } else if (r->ret < 0) {
    StartReply(o, o->buf, id, "ERR");
    cpx_put_kv_i64(o, "ret", r->ret);
    cpx_put_kv(o, "errno", ex->stack->errno_name(r->err));
    cpx_put_kv_i64(o, "errno_raw", r->err);
    if (r->unsupported) cpx_put(o, " unsupported=1");
  } else {
    StartReply(o, o->buf, id, "OK");
    cpx_put_kv_i64(o, "ret", r->ret);
  }
}

void cpx_run_job(cpx_executor* ex, int slot) {
  cpx_job* job = &ex->jobs[slot];
  if (job->scheduled) ex->port->sleep_until_us(ex->port->ctx, job->start_at_us);
  const uint64_t t0 = Now(ex);
  const cpx_result r = Call(ex->stack, job);
  const uint64_t t1 = Now(ex);
  cpx_out o;
  o.buf = job->reply;
  PutResult(ex, &o, job->id, &r);
  if (!r.timed_out && r.ret >= 0) PutOutputs(&o, job, &r);
  cpx_put_kv_i64(&o, "t0", (int64_t)t0);
  cpx_put_kv_i64(&o, "t1", (int64_t)t1);
  if (job->scheduled) cpx_put_kv_i64(&o, "at", (int64_t)job->start_at_us);
  /* The slot is free before the reply leaves: a host may reuse the id as
   * soon as it reads the reply. The reply buffer stays ours until the
   * reader hands this slot out again, which needs a free worker: us. */
  ex->port->lock(ex->port->ctx);
  job->busy = 0;
  ex->port->unlock(ex->port->ctx);
  Send(ex, &o);
}

/* ---- inline verbs, on the reader --------------------------------------- */

static void PutCaps(cpx_executor* ex, cpx_out* o) {
  cpx_put(o, " caps=");
  int first = 1;
  for (int v = 0; v < V_COUNT; ++v) {
    if (v == V_ADVANCE && ex->stack->advance == NULL) continue;
    if (v == V_IFCONFIG && ex->stack->ifconfig == NULL) continue;
    if ((v == V_FAULT || v == V_UNFAULT) && ex->stack->fault_add == NULL) continue;
    if (v == V_REBOOT && ex->port->reboot == NULL) continue;
    if (!first) cpx_put(o, ",");
    cpx_put(o, kVerbs[v].name);
    first = 0;
  }
}

static void PutConn(cpx_out* o, const cpx_conn* c) {
  cpx_put(o, " pcb=");
  cpx_put(o, c->state);
  cpx_put(o, ",");
  cpx_put_addr(o, &c->local);
  cpx_put(o, ",");
  cpx_put_addr(o, &c->remote);
  cpx_put(o, ",");
  cpx_put_i64(o, c->timer_ms);
  cpx_put(o, ",");
  cpx_put_i64(o, c->rtx);
  cpx_put(o, c->orphaned ? ",1" : ",0");
}

static int SameAddr(const cpx_addr* a, const cpx_addr* b) {
  return a->port == b->port && cpx_streq(a->ip, b->ip);
}

/* The connection of local/remote among those on local's port: by both
 * addresses for a connected pair; a peerless one (remote port 0) matches
 * the listener or bound socket on that port. */
static const cpx_conn* Match(cpx_executor* ex, int n, const cpx_addr* local,
                             const cpx_addr* remote) {
  for (int i = 0; i < n && i < CPX_MAX_CONNS; ++i) {
    const cpx_conn* c = &ex->conns[i];
    if (c->local.port != local->port) continue;
    if (remote->port == 0 ? c->remote.port == 0 : SameAddr(&c->remote, remote)) return c;
  }
  return NULL;
}

/* A plain IP address token (no port), through the address parser. */
static int ParsePlainIp(const char* t, cpx_addr* a) {
  char text[64];
  if (strlen(t) > 50) return -1;
  strcpy(text, t);
  strcat(text, ":0");
  return cpx_parse_addr(text, a);
}

/* The reply of a control verb that returns an errno: OK, or ERR with it. */
static void PutErrno(cpx_executor* ex, cpx_out* o, const char* id, int err) {
  if (err != 0) {
    cpx_result r = {-1, err, 0, 0, NULL};
    PutResult(ex, o, id, &r);
  } else {
    cpx_put(o, " ret=0");
  }
}

/* FAULT rule_id peer_ip first_port last_port IN|OUT|BOTH flags ("-": any,
 * else letters of S F R A) / UNFAULT rule_id: validates, then calls the
 * stack (its errno in *err); -1 on malformed arguments. */
static int FaultCall(const cpx_stack* s, int verb, char** arg, int* err) {
  int64_t rule, first, last;
  if (ParseInt(arg[0], 0, 1 << 30, &rule) != 0) return -1;
  if (verb == V_UNFAULT) {
    *err = s->fault_remove((int)rule);
    return 0;
  }
  cpx_addr peer;
  if (ParsePlainIp(arg[1], &peer) != 0 || ParseInt(arg[2], 1, 65535, &first) != 0 ||
      ParseInt(arg[3], first, 65535, &last) != 0) {
    return -1;
  }
  int direction;
  if (cpx_streq(arg[4], "BOTH")) direction = CPX_FAULT_BOTH;
  else if (cpx_streq(arg[4], "OUT")) direction = CPX_FAULT_OUT;
  else if (cpx_streq(arg[4], "IN")) direction = CPX_FAULT_IN;
  else return -1;
  int flags = 0;
  const int any = cpx_streq(arg[5], "-");
  for (const char* f = arg[5]; !any && *f; ++f) {
    if (*f == 'S') flags |= CPX_TCP_SYN;
    else if (*f == 'F') flags |= CPX_TCP_FIN;
    else if (*f == 'R') flags |= CPX_TCP_RST;
    else if (*f == 'A') flags |= CPX_TCP_ACK;
    else return -1;
  }
  *err = s->fault_add((int)rule, &peer, (uint16_t)first, (uint16_t)last, direction, flags, any);
  return 0;
}

static void Inline(cpx_executor* ex, const char* id, int verb, char** arg, int argc) {
  const cpx_stack* s = ex->stack;
  cpx_out o;
  const uint64_t t0 = Now(ex);
  StartReply(&o, ex->reply, id, "OK");
  switch (verb) {
    case V_HELLO:
      cpx_put(&o, " ret=0 proto=cpx/1");
      s->hello(&o);
      cpx_put_kv_i64(&o, "workers", CPX_WORKERS);
      cpx_put_kv_i64(&o, "line_max", CPX_LINE_MAX);
      cpx_put_kv_i64(&o, "recv_max", CPX_RECV_MAX);
      PutCaps(ex, &o);
      break;
    case V_REBOOT:
      if (ex->port->reboot == NULL) return ReplyBad(ex, id, "unsupported_verb");
      cpx_put(&o, " ret=0");
      break;
    case V_TIME:
      cpx_put(&o, " ret=0");
      break;
    case V_STATS: {
      int busy = 0;
      for (int i = 0; i < CPX_WORKERS; ++i) busy += ex->jobs[i].busy;
      cpx_put(&o, " ret=0");
      cpx_put_kv_i64(&o, "workers_busy", busy);
      if (s->stats) s->stats(&o);
      break;
    }
    case V_PCBS: {
      int64_t port = 0;
      if (argc == 1 && ParseInt(arg[0], 0, 65535, &port) != 0) return ReplyBad(ex, id, "args");
      const int n = s->connections((uint16_t)port, ex->conns, CPX_MAX_CONNS);
      cpx_put_kv_i64(&o, "ret", n);
      for (int i = 0; i < n && i < CPX_MAX_CONNS; ++i) PutConn(&o, &ex->conns[i]);
      if (n > CPX_MAX_CONNS) cpx_put(&o, " truncated=1");
      break;
    }
    case V_LOOKUP: {
      cpx_addr local, remote;
      if (cpx_parse_addr(arg[0], &local) != 0 || cpx_parse_addr(arg[1], &remote) != 0) {
        return ReplyBad(ex, id, "args");
      }
      const cpx_conn* c = Match(ex, s->connections(local.port, ex->conns, CPX_MAX_CONNS),
                                &local, &remote);
      cpx_put(&o, " ret=0");
      cpx_put_kv(&o, "state", c ? c->state : "CLOSED");
      if (c) {
        cpx_put_kv_i64(&o, "timer_ms", c->timer_ms);
        cpx_put_kv_i64(&o, "rtx", c->rtx);
        cpx_put_kv_i64(&o, "orphaned", c->orphaned);
      }
      break;
    }
    case V_STATE: {
      int fd;
      if (ParseFd(arg[0], &fd) != 0) return ReplyBad(ex, id, "args");
      cpx_addr local, remote;
      cpx_result r = s->name(fd, 0, &local);
      if (r.ret < 0) {
        o.buf = ex->reply;
        PutResult(ex, &o, id, &r);
        break;
      }
      if (s->name(fd, 1, &remote).ret < 0) memset(&remote, 0, sizeof(remote));
      remote.v6 = local.v6;
      const cpx_conn* c = local.port == 0 ? NULL
          : Match(ex, s->connections(local.port, ex->conns, CPX_MAX_CONNS), &local, &remote);
      cpx_put(&o, " ret=0");
      /* A socket with no connection in the stack's lists is bound or fresh. */
      cpx_put_kv(&o, "state", c ? c->state : "BOUND");
      cpx_put(&o, " local=");
      cpx_put_addr(&o, &local);
      cpx_put(&o, " remote=");
      cpx_put_addr(&o, &remote);
      break;
    }
    case V_ADVANCE: {
      int64_t ms;
      if (s->advance == NULL) return ReplyBad(ex, id, "unsupported_verb");
      if (ParseInt(arg[0], 0, INT64_C(1) << 40, &ms) != 0) return ReplyBad(ex, id, "args");
      cpx_put_kv_i64(&o, "ret", s->advance(ms));
      break;
    }
    case V_IFCONFIG: {
      cpx_addr ip, gw;
      int64_t prefix;
      if (s->ifconfig == NULL) return ReplyBad(ex, id, "unsupported_verb");
      if (ParsePlainIp(arg[0], &ip) != 0 || ParsePlainIp(arg[2], &gw) != 0 ||
          ParseInt(arg[1], 0, 32, &prefix) != 0) {
        return ReplyBad(ex, id, "args");
      }
      PutErrno(ex, &o, id, s->ifconfig(ip.ip, (int)prefix, gw.ip));
      break;
    }
    case V_FAULT:
    case V_UNFAULT: {
      int err;
      if (s->fault_add == NULL) return ReplyBad(ex, id, "unsupported_verb");
      if (FaultCall(s, verb, arg, &err) != 0) return ReplyBad(ex, id, "args");
      PutErrno(ex, &o, id, err);
      break;
    }
    default:
      return ReplyBad(ex, id, "verb");
  }
  cpx_put_kv_i64(&o, "t0", (int64_t)t0);
  cpx_put_kv_i64(&o, "t1", (int64_t)Now(ex));
  Send(ex, &o);
  if (verb == V_REBOOT) ex->port->reboot(ex->port->ctx);
}

/* ---- the reader ----------------------------------------------------------- */

static int Tokenize(char* line, char** tok, int max) {
  int n = 0;
  for (char* p = line; *p;) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    if (n == max) return -1;
    tok[n++] = p;
    while (*p && *p != ' ') ++p;
  }
  return n;
}

static int ValidId(const char* t) {
  const size_t n = strlen(t);
  if (n == 0 || n > 9) return 0;
  for (size_t i = 0; i < n; ++i) {
    if (t[i] < '0' || t[i] > '9') return 0;
  }
  return 1;
}

/* Claims a free job slot for `id`; -1 busy, -2 the id is outstanding. */
static int Claim(cpx_executor* ex, const char* id) {
  int slot = -1;
  ex->port->lock(ex->port->ctx);
  for (int i = 0; i < CPX_WORKERS; ++i) {
    if (ex->jobs[i].busy && cpx_streq(ex->jobs[i].id, id)) {
      ex->port->unlock(ex->port->ctx);
      return -2;
    }
    if (!ex->jobs[i].busy && slot < 0) slot = i;
  }
  if (slot >= 0) {
    ex->jobs[slot].busy = 1;
    strcpy(ex->jobs[slot].id, id);
  }
  ex->port->unlock(ex->port->ctx);
  return slot;
}

/* Hands a socket call to a free worker: its arguments are copied into the
 * slot, which owns them (and decodes SEND's hex in place) until the reply. */
static void Dispatch(cpx_executor* ex, const char* id, int verb, char** args, int argc,
                     int scheduled, uint64_t at) {
  const int slot = Claim(ex, id);
  if (slot == -2) return ReplyBad(ex, id, "duplicate_id");
  if (slot < 0) return ReplyBad(ex, id, "busy");
  cpx_job* job = &ex->jobs[slot];
  char* arg[CPX_MAX_TOKENS];
  size_t used = 0;
  for (int i = 0; i < argc; ++i) {
    const size_t n = strlen(args[i]);
    memcpy(job->line + used, args[i], n + 1);
    arg[i] = job->line + used;
    used += n + 1;
  }
  if (ParseCall(verb, arg, argc, &job->call) != 0) {
    ex->port->lock(ex->port->ctx);
    job->busy = 0;
    ex->port->unlock(ex->port->ctx);
    return ReplyBad(ex, id, "args");
  }
  job->scheduled = scheduled;
  job->start_at_us = at;
  ex->port->start_worker(ex->port->ctx, slot);
}

static void HandleLine(cpx_executor* ex, char* line) {
  char* tok[CPX_MAX_TOKENS + 3];
  const int n = Tokenize(line, tok, CPX_MAX_TOKENS + 3);
  if (n == 0) return; /* an empty line: ignored */
  if (n < 0) {
    return ReplyBad(ex, ValidId(tok[0]) ? tok[0] : "-", "args");
  }
  if (!ValidId(tok[0])) return ReplyBad(ex, "-", "id");
  const char* id = tok[0];
  int at_tok = 0;
  int64_t at = 0;
  if (n > 1 && tok[1][0] == '@') {
    if (cpx_parse_i64(tok[1] + 1, &at) != 0 || at < 0) return ReplyBad(ex, id, "syntax");
    at_tok = 1;
  }
  if (n < 2 + at_tok) return ReplyBad(ex, id, "syntax");
  const char* name = tok[1 + at_tok];
  int verb = -1;
  for (int v = 0; v < V_COUNT; ++v) {
    if (cpx_streq(kVerbs[v].name, name)) verb = v;
  }
  if (verb < 0) return ReplyBad(ex, id, "verb");
  const int argc = n - 2 - at_tok;
  if (argc < kVerbs[verb].min_args || argc > kVerbs[verb].max_args) {
    return ReplyBad(ex, id, "args");
  }
  char** arg = tok + 2 + at_tok;
  if (!IsSocketCall(verb)) {
    if (at_tok) return ReplyBad(ex, id, "not_scheduled");
    return Inline(ex, id, verb, arg, argc);
  }
  Dispatch(ex, id, verb, arg, argc, at_tok, (uint64_t)at);
}

static int LeadingId(const char* rx, size_t n, char* id) {
  size_t i = 0;
  while (i < n && i < 9 && rx[i] >= '0' && rx[i] <= '9') ++i;
  if (i == 0 || (i < n && rx[i] != ' ')) return 0;
  memcpy(id, rx, i);
  id[i] = '\0';
  return 1;
}

void cpx_feed(cpx_executor* ex, const char* bytes, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    const char c = bytes[k];
    if (c == '\n') {
      if (ex->rx_overflow) {
        char id[12];
        ReplyBad(ex, LeadingId(ex->rx, ex->rx_len, id) ? id : "-", "line_too_long");
      } else {
        ex->rx[ex->rx_len] = '\0';
        HandleLine(ex, ex->rx);
      }
      ex->rx_len = 0;
      ex->rx_overflow = 0;
      continue;
    }
    if (c == '\r') continue;
    if (ex->rx_len + 2 > CPX_LINE_MAX) { /* '\n' counts toward line_max */
      ex->rx_overflow = 1;
      continue;
    }
    /* A control byte (a line noise burst) makes the line unparseable. */
    ex->rx[ex->rx_len++] = (c < ' ' || c > '~') ? '\x7f' : c;
  }
}
