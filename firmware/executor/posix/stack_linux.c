/* The Linux binding of the executor: the kernel's socket calls
 * (bsd_calls.c), its connections from /proc/net/tcp and tcp6 (the
 * executor's own network namespace; orphans in TIME_WAIT and FIN_WAIT_2
 * have inode 0), and the sysctls that change close semantics. */
#include "stack_linux.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../bsd_calls.h"
#include "../errno_names.h"

/* /proc/net/tcp's state numbers (include/net/tcp_states.h). A socket in
 * CLOSE that is listed is bound but neither listening nor connected. */
static const char* StateName(unsigned st) {
  static const char* const names[] = {
      NULL,          "ESTABLISHED", "SYN_SENT",   "SYN_RECEIVED", "FIN_WAIT_1",
      "FIN_WAIT_2",  "TIME_WAIT",   "BOUND",      "CLOSE_WAIT",   "LAST_ACK",
      "LISTEN",      "CLOSING",     "SYN_RECEIVED"};
  return st < sizeof(names) / sizeof(names[0]) ? names[st] : NULL;
}

static int ParseHexAddr(const char* hex, int v6, cpx_addr* a) {
  unsigned char raw[16];
  const int words = v6 ? 4 : 1;
  for (int w = 0; w < words; ++w) {
    unsigned v;
    if (sscanf(hex + 8 * w, "%8X", &v) != 1) return -1;
    memcpy(raw + 4 * w, &v, 4); /* the kernel prints each 32-bit word in host order */
  }
  unsigned port;
  if (sscanf(hex + 8 * words, ":%X", &port) != 1) return -1;
  memset(a, 0, sizeof(*a));
  a->v6 = v6;
  a->port = (uint16_t)port;
  inet_ntop(v6 ? AF_INET6 : AF_INET, raw, a->ip, sizeof(a->ip));
  return 0;
}

static int ReadTable(const char* path, int v6, uint16_t port, cpx_conn* out, int max,
                     int n) {
  FILE* f = fopen(path, "r");
  if (f == NULL) return n;
  char line[512];
  const long tick_ms = 1000 / sysconf(_SC_CLK_TCK);
  if (fgets(line, sizeof(line), f) == NULL) { /* header */
    fclose(f);
    return n;
  }
  while (fgets(line, sizeof(line), f) != NULL) {
    char local[64], remote[64];
    unsigned st, timer, retrans;
    unsigned long when, inode;
    if (sscanf(line, " %*d: %63s %63s %X %*X:%*X %X:%lX %X %*u %*d %lu", local, remote, &st,
               &timer, &when, &retrans, &inode) != 7) {
      continue;
    }
    cpx_conn c;
    memset(&c, 0, sizeof(c));
    c.state = StateName(st);
    if (c.state == NULL || ParseHexAddr(local, v6, &c.local) != 0 ||
        ParseHexAddr(remote, v6, &c.remote) != 0) {
      continue;
    }
    if (port != 0 && c.local.port != port && c.remote.port != port) continue;
    c.timer_ms = timer == 0 ? -1 : (int64_t)when * tick_ms;
    c.rtx = (int)retrans;
    c.orphaned = inode == 0;
    if (n < max) out[n] = c;
    ++n;
  }
  fclose(f);
  return n;
}

static int Connections(uint16_t port, cpx_conn* out, int max) {
  const int n = ReadTable("/proc/net/tcp", 0, port, out, max, 0);
  return ReadTable("/proc/net/tcp6", 1, port, out, max, n);
}

/* " opt.<sysctl>=<value>" for a sysctl that changes close semantics. */
static void PutSysctl(cpx_out* o, const char* name) {
  char path[128], value[64];
  snprintf(path, sizeof(path), "/proc/sys/%s", name);
  for (char* p = path + strlen("/proc/sys/"); *p; ++p) {
    if (*p == '.') *p = '/';
  }
  FILE* f = fopen(path, "r");
  if (f == NULL) return;
  if (fgets(value, sizeof(value), f) != NULL) {
    value[strcspn(value, "\n")] = '\0';
    for (char* p = value; *p; ++p) {
      if (*p == ' ' || *p == '\t') *p = ',';
    }
    char key[96];
    snprintf(key, sizeof(key), "opt.%s", name);
    cpx_put_kv(o, key, value);
  }
  fclose(f);
}

static void Hello(cpx_out* o) {
  struct utsname u;
  cpx_put_kv(o, "stack", "linux");
  if (uname(&u) == 0) cpx_put_kv(o, "stack_version", u.release);
  cpx_put_kv(o, "os", "Linux");
  cpx_put_kv(o, "board", "host");
  cpx_put_kv(o, "clock", "host");
  PutSysctl(o, "net.ipv4.tcp_fin_timeout");
  PutSysctl(o, "net.ipv4.tcp_tw_reuse");
  PutSysctl(o, "net.ipv4.tcp_orphan_retries");
  PutSysctl(o, "net.ipv4.tcp_retries2");
}

void cpx_linux_stack(cpx_stack* s) {
  memset(s, 0, sizeof(*s));
  cpx_bsd_fill(s);
  s->connections = Connections;
  s->errno_name = cpx_errno_name;
  s->hello = Hello;
}
