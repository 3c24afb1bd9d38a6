/* Portable errno names of the C library the executor is built with. */
#ifndef CLOSEPROBE_EXECUTOR_ERRNO_NAMES_H_
#define CLOSEPROBE_EXECUTOR_ERRNO_NAMES_H_

/* "ECONNRESET", ...; "OTHER" for a number with no portable name. */
const char* cpx_errno_name(int number);

#endif /* CLOSEPROBE_EXECUTOR_ERRNO_NAMES_H_ */
