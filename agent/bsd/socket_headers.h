// The BSD socket interface's declarations (sockaddr_in/in6, inet_pton,
// inet_ntop, htons, setsockopt levels and names, poll events): Winsock's
// headers on Windows, the system's elsewhere. The one place agent/bsd/
// chooses between them.
#ifndef CLOSEPROBE_AGENT_BSD_SOCKET_HEADERS_H_
#define CLOSEPROBE_AGENT_BSD_SOCKET_HEADERS_H_

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#endif

#endif  // CLOSEPROBE_AGENT_BSD_SOCKET_HEADERS_H_
