// lwIP's errno values -> portable names. lwIP maps its err_t to errno with
// its own table (err_to_errno); this build uses Linux's errno numbers, so
// the POSIX table names them correctly.
#include "agent/error_names.h"

namespace closeprobe::agent {

ErrorInfo LwipErrorName(int native_error) { return PosixErrorName(native_error); }

}  // namespace closeprobe::agent
