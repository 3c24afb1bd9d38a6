// WinsockErrors: WSAGetLastError() codes -> the portable error names of
// agent.proto (without the ERROR_NAME_ prefix) and the WSA names. Plain C++
// with no library beneath, so the Wine self-test checks the very table the
// Windows agent uses (error_names_winsock.cc turns it into ErrorInfo).
#ifndef CLOSEPROBE_AGENT_WINDOWS_WINSOCK_ERRORS_H_
#define CLOSEPROBE_AGENT_WINDOWS_WINSOCK_ERRORS_H_

namespace closeprobe::agent {

struct WinsockError {
  int code;              // WSAECONNRESET (10054)
  const char* wsa_name;  // "WSAECONNRESET"
  const char* portable;  // "ECONNRESET"
};

// The row of a WSA error code; nullptr for codes with no portable name.
const WinsockError* FindWinsockError(int code);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_WINDOWS_WINSOCK_ERRORS_H_
