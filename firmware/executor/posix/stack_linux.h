/* The Linux binding of the executor (the host's kernel stack). */
#ifndef CLOSEPROBE_EXECUTOR_POSIX_STACK_LINUX_H_
#define CLOSEPROBE_EXECUTOR_POSIX_STACK_LINUX_H_

#include "../executor_stack.h"

void cpx_linux_stack(cpx_stack* s);

#endif /* CLOSEPROBE_EXECUTOR_POSIX_STACK_LINUX_H_ */
