/* lwIP's OS types on the project's kernel (firmware/kernel). */
#ifndef CLOSEPROBE_FIRMWARE_ARCH_SYS_ARCH_H_
#define CLOSEPROBE_FIRMWARE_ARCH_SYS_ARCH_H_

#include "kernel.h"

typedef struct {
  k_sem sem;
  int valid;
} sys_sem_t;
typedef sys_sem_t sys_mutex_t; /* a binary semaphore: no priority inheritance */

/* A mailbox: a ring of pointers, counted by two semaphores. Like the
 * Debian (unix) port's, every mailbox holds 128 messages whatever size
 * lwIP asks for, unless the variant says CPX_MBOX_HONOURS_SIZE (then the
 * size asked for, at most 128). */
#define SYS_MBOX_SIZE 128
typedef struct {
  void* msgs[SYS_MBOX_SIZE];
  uint32_t head, tail;
  k_sem used, free;
  int valid;
} sys_mbox_impl;
typedef sys_mbox_impl* sys_mbox_t;
typedef k_task* sys_thread_t;
typedef uint32_t sys_prot_t;

#define sys_sem_valid(s) ((s) != NULL && (s)->valid)
#define sys_sem_set_invalid(s) ((s)->valid = 0)
#define sys_mutex_valid(m) sys_sem_valid(m)
#define sys_mutex_set_invalid(m) sys_sem_set_invalid(m)
#define sys_mbox_valid(m) ((m) != NULL && *(m) != NULL && (*(m))->valid)
/* Only the handle: lwIP invalidates handles it never initialised, and
 * frees a valid mailbox first (sys_mbox_free returns it to the pool). */
#define sys_mbox_set_invalid(m) (*(m) = NULL)

/* LWIP_NETCONN_SEM_PER_THREAD's semaphore of the calling task. */
sys_sem_t* sys_arch_netconn_sem_get(void);
void sys_arch_netconn_sem_alloc(void);
void sys_arch_netconn_sem_free(void);

#endif /* CLOSEPROBE_FIRMWARE_ARCH_SYS_ARCH_H_ */
