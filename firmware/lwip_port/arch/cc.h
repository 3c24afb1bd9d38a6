/* lwIP's compiler and C library facts for the firmware (arm-none-eabi
 * gcc, newlib). */
#ifndef CLOSEPROBE_FIRMWARE_ARCH_CC_H_
#define CLOSEPROBE_FIRMWARE_ARCH_CC_H_

#include <stdint.h>
#include <sys/time.h> /* struct timeval: newlib's, so lwIP does not define its own */

/* errno numbers are newlib's (EADDRINUSE = 112), set through newlib's
 * errno, which the kernel keeps per task. */
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_TIMEVAL_PRIVATE 0

void fw_panic(const char* what) __attribute__((noreturn));
void fw_assert(const char* what, const char* file, int line) __attribute__((noreturn));
uint32_t fw_random(void);
#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
  } while (0)
#define LWIP_PLATFORM_ASSERT(x) fw_assert(x, __FILE__, __LINE__)
#define LWIP_RAND() fw_random()

#endif /* CLOSEPROBE_FIRMWARE_ARCH_CC_H_ */
