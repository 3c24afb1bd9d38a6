/* Text helpers of the executor protocol: a bounded output line, numbers,
 * hex and addresses. Freestanding: no allocation, no stdio, no locale.
 * Not thread-safe per object; each line buffer belongs to one thread. */
#ifndef CLOSEPROBE_EXECUTOR_TEXT_H_
#define CLOSEPROBE_EXECUTOR_TEXT_H_

#include <stddef.h>
#include <stdint.h>

/* An output line being built. Appends past `cap` set `overflow` and are
 * dropped, so a line is never longer than its buffer. */
typedef struct cpx_out {
  char* buf;
  size_t cap;
  size_t len;
  int overflow;
} cpx_out;

void cpx_out_init(cpx_out* o, char* buf, size_t cap);
void cpx_put(cpx_out* o, const char* s);
void cpx_put_n(cpx_out* o, const char* s, size_t n);
void cpx_put_i64(cpx_out* o, int64_t v);
void cpx_put_u64(cpx_out* o, uint64_t v);
void cpx_put_hex(cpx_out* o, const uint8_t* data, size_t n);
/* " key=value" */
void cpx_put_kv(cpx_out* o, const char* key, const char* value);
void cpx_put_kv_i64(cpx_out* o, const char* key, int64_t v);

/* An address as the protocol writes it: "ip:port" or "[ip6]:port". */
typedef struct cpx_addr {
  char ip[46]; /* numeric text, NUL-terminated */
  uint16_t port;
  int v6;
} cpx_addr;

void cpx_put_addr(cpx_out* o, const cpx_addr* a);
/* Parses "ip:port" / "[ip6]:port"; 0 on success, -1 on a malformed token.
 * The ip text is checked for its characters only; the stack parses it. */
int cpx_parse_addr(const char* token, cpx_addr* a);
/* Decimal integer, optional '-' ; 0 on success. */
int cpx_parse_i64(const char* token, int64_t* v);
/* Hex in place: decodes `token` into `out` (may alias it); "-" = no
 * bytes. Returns the byte count, or -1 on bad hex. */
long cpx_parse_hex(const char* token, uint8_t* out, size_t cap);
int cpx_streq(const char* a, const char* b);

#endif /* CLOSEPROBE_EXECUTOR_TEXT_H_ */
