// WSAGetLastError() codes -> portable ErrorName, from the Winsock table
// (winsock_errors.cc). The native name and number are kept: "WSAECONNRESET",
// 10054.
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/error_names.h"
#include "agent/windows/winsock_errors.h"

namespace closeprobe::agent {

ErrorInfo WinsockErrorName(int native_error) {
  if (native_error == 0) return {v1::ERROR_NAME_OK, "", 0};
  const WinsockError* row = FindWinsockError(native_error);
  v1::ErrorName name = v1::ERROR_NAME_OTHER;
  if (row == nullptr ||
      !v1::ErrorName_Parse(absl::StrCat("ERROR_NAME_", row->portable), &name)) {
    return {v1::ERROR_NAME_OTHER, absl::StrCat("WSA error ", native_error),
            native_error};
  }
  return {name, row->wsa_name, native_error};
}

}  // namespace closeprobe::agent
