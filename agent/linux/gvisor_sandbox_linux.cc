// Whether the Linux agent runs on gVisor's sentry. The sentry answers
// uname() and /proc/version as "Linux 4.4.0", so those cannot tell; its
// kernel log is its own and always opens with "Starting gVisor..."
// (pkg/sentry/syslog/syslog.go), which no Linux kernel writes.
#include <sys/klog.h>

#include <string>

#include "agent/linux/platform_linux.h"

namespace closeprobe::agent {

bool RunsOnGvisorSentry() {
  constexpr int kSyslogActionReadAll = 3;
  std::string log(4096, '\0');
  const int n =
      klogctl(kSyslogActionReadAll, log.data(), static_cast<int>(log.size()));
  if (n <= 0)
    return false;  // no right to read a real kernel's log: not gVisor's
  log.resize(static_cast<size_t>(n));
  return log.find("Starting gVisor...") != std::string::npos;
}

}  // namespace closeprobe::agent
