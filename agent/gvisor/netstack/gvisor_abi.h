/* The C interface of the gVisor netstack package (the Go files beside it,
 * as a C archive): what the agent's C++ side calls, and the one callback it
 * gives the stack. Socket calls follow BSD's shapes and return a value >= 0
 * or -errno, with gVisor's own mapping of its errors to Linux errno values
 * (pkg/syserr/netstack.go), i.e. what an application in a gVisor sandbox
 * sees. Declarations match the ones cgo generates, hence no const.
 */
#ifndef CLOSEPROBE_AGENT_GVISOR_GVISOR_ABI_H_
#define CLOSEPROBE_AGENT_GVISOR_GVISOR_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sees each IP packet the stack sends (outgoing 1) or receives (0);
 * returns 0 to drop it. */
typedef int (*closeprobe_gvisor_packet_hook)(uint8_t* packet, size_t length, int outgoing);

/* One TCP endpoint of the stack. state is the TcpState name without its
 * prefix ("ESTABLISHED", "TIME_WAIT", "BOUND"). */
typedef struct {
  char local[64];
  uint16_t local_port;
  char remote[64];
  uint16_t remote_port;
  char state[16];
  int orphaned; /* no socket of the table refers to it any more */
} closeprobe_gvisor_connection;

#ifndef CLOSEPROBE_GVISOR_CGO /* cgo declares these itself */
int closeprobe_gvisor_start(char* tap, char* address, int prefix_length, char* gateway,
                            char* error, int error_size);
void closeprobe_gvisor_set_packet_hook(closeprobe_gvisor_packet_hook hook);
int closeprobe_gvisor_socket(int domain);
int closeprobe_gvisor_bind(int fd, void* address, int length);
int closeprobe_gvisor_listen(int fd, int backlog);
int closeprobe_gvisor_accept(int fd, void* address, int* length);
int closeprobe_gvisor_connect(int fd, void* address, int length);
long closeprobe_gvisor_send(int fd, void* data, size_t size, int flags);
long closeprobe_gvisor_recv(int fd, void* data, size_t size, int flags);
int closeprobe_gvisor_shutdown(int fd, int how);
int closeprobe_gvisor_close(int fd);
int closeprobe_gvisor_setsockopt(int fd, int level, int name, void* value, int length);
int closeprobe_gvisor_getsockopt(int fd, int level, int name, void* value, int* length);
int closeprobe_gvisor_fcntl(int fd, int command, int value);
int closeprobe_gvisor_poll(int fd, int events, int timeout_ms);
int closeprobe_gvisor_getsockname(int fd, void* address, int* length);
int closeprobe_gvisor_getpeername(int fd, void* address, int* length);
/* Endpoints with `port` as local or remote port; returns how many (at most max). */
int closeprobe_gvisor_connections(int port, closeprobe_gvisor_connection* out, int max);
/* Sets a stack setting; writes the previous value. 0, -EINVAL (no such
 * setting) or -ERANGE (bad value). */
int closeprobe_gvisor_set_setting(char* name, char* value, char* previous, int previous_size);
/* "name=value" lines: the snapshot, the stack's settings and defaults. */
int closeprobe_gvisor_describe(char* out, int size);
/* The tcpip error names gVisor maps to this errno ("" if none). */
int closeprobe_gvisor_error_names(int error_number, char* out, int size);
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLOSEPROBE_AGENT_GVISOR_GVISOR_ABI_H_ */
