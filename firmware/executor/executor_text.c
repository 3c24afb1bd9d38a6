/* Text helpers of the executor protocol (see executor_text.h). */
#include "executor_text.h"

#include <string.h>

void cpx_out_init(cpx_out* o, char* buf, size_t cap) {
  o->buf = buf;
  o->cap = cap;
  o->len = 0;
  o->overflow = 0;
  if (cap > 0) buf[0] = '\0';
}

void cpx_put_n(cpx_out* o, const char* s, size_t n) {
  /* One byte stays free for the terminating NUL. */
  if (o->overflow || o->len + n + 1 > o->cap) {
    o->overflow = 1;
    return;
  }
  memcpy(o->buf + o->len, s, n);
  o->len += n;
  o->buf[o->len] = '\0';
}

void cpx_put(cpx_out* o, const char* s) { cpx_put_n(o, s, strlen(s)); }

void cpx_put_u64(cpx_out* o, uint64_t v) {
  char tmp[21];
  size_t i = sizeof(tmp);
  do {
    tmp[--i] = (char)('0' + (v % 10));
    v /= 10;
  } while (v != 0);
  cpx_put_n(o, tmp + i, sizeof(tmp) - i);
}

void cpx_put_i64(cpx_out* o, int64_t v) {
  if (v < 0) {
    cpx_put_n(o, "-", 1);
    cpx_put_u64(o, (uint64_t)0 - (uint64_t)v);
  } else {
    cpx_put_u64(o, (uint64_t)v);
  }
}

void cpx_put_hex(cpx_out* o, const uint8_t* data, size_t n) {
  static const char digits[] = "0123456789abcdef";
  if (n == 0) {
    cpx_put_n(o, "-", 1);
    return;
  }
  for (size_t i = 0; i < n && !o->overflow; ++i) {
    const char pair[2] = {digits[data[i] >> 4], digits[data[i] & 15]};
    cpx_put_n(o, pair, 2);
  }
}

void cpx_put_kv(cpx_out* o, const char* key, const char* value) {
  cpx_put_n(o, " ", 1);
  cpx_put(o, key);
  cpx_put_n(o, "=", 1);
  cpx_put(o, value);
}

void cpx_put_kv_i64(cpx_out* o, const char* key, int64_t v) {
  cpx_put_n(o, " ", 1);
  cpx_put(o, key);
  cpx_put_n(o, "=", 1);
  cpx_put_i64(o, v);
}

void cpx_put_addr(cpx_out* o, const cpx_addr* a) {
  if (a->v6) cpx_put_n(o, "[", 1);
  cpx_put(o, a->ip[0] ? a->ip : (a->v6 ? "::" : "0.0.0.0"));
  if (a->v6) cpx_put_n(o, "]", 1);
  cpx_put_n(o, ":", 1);
  cpx_put_u64(o, a->port);
}

int cpx_parse_i64(const char* t, int64_t* v) {
  int neg = 0;
  uint64_t acc = 0;
  if (*t == '-') {
    neg = 1;
    ++t;
  }
  if (*t == '\0') return -1;
  for (; *t; ++t) {
    if (*t < '0' || *t > '9') return -1;
    if (acc > (UINT64_C(1) << 62) / 10) return -1; /* far beyond any use */
    acc = acc * 10 + (uint64_t)(*t - '0');
  }
  *v = neg ? -(int64_t)acc : (int64_t)acc;
  return 0;
}

static int IsIpChar(char c, int v6) {
  if (c >= '0' && c <= '9') return 1;
  if (c == '.') return 1;
  if (!v6) return 0;
  return c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int cpx_parse_addr(const char* t, cpx_addr* a) {
  const char* ip = t;
  const char* end;
  const char* port;
  memset(a, 0, sizeof(*a));
  if (*t == '[') {
    a->v6 = 1;
    ip = t + 1;
    end = strchr(ip, ']');
    if (end == NULL || end[1] != ':') return -1;
    port = end + 2;
  } else {
    end = strrchr(t, ':');
    if (end == NULL) return -1;
    port = end + 1;
  }
  const size_t n = (size_t)(end - ip);
  if (n == 0 || n >= sizeof(a->ip)) return -1;
  for (size_t i = 0; i < n; ++i) {
    if (!IsIpChar(ip[i], a->v6)) return -1;
  }
  memcpy(a->ip, ip, n);
  a->ip[n] = '\0';
  int64_t p;
  if (cpx_parse_i64(port, &p) != 0 || p < 0 || p > 65535) return -1;
  a->port = (uint16_t)p;
  return 0;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

long cpx_parse_hex(const char* t, uint8_t* out, size_t cap) {
  if (t[0] == '-' && t[1] == '\0') return 0;
  size_t n = 0;
  for (; t[0] != '\0'; t += 2) {
    const int hi = HexValue(t[0]);
    const int lo = t[1] == '\0' ? -1 : HexValue(t[1]);
    if (hi < 0 || lo < 0 || n >= cap) return -1;
    out[n++] = (uint8_t)(hi * 16 + lo);
  }
  return (long)n;
}

int cpx_streq(const char* a, const char* b) { return strcmp(a, b) == 0; }
