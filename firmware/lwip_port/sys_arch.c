/* lwIP's sys_arch on the project's kernel: semaphores, mutexes, mailboxes,
 * threads, time, light-weight protection and the per-thread semaphore
 * that LWIP_NETCONN_SEM_PER_THREAD builds use. Mailboxes and thread stacks
 * come from fixed pools: the firmware never calls malloc. */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "kernel.h"

#define MAX_MBOXES 96
#define MAX_THREADS 12
#define THREAD_STACK_WORDS 2048 /* 8 KiB: lwIP's own threads (tcpip) */

static sys_mbox_impl mboxes[MAX_MBOXES];
static uint32_t thread_stacks[MAX_THREADS][THREAD_STACK_WORDS];
static int threads_used;

void sys_init(void) {}

u32_t sys_now(void) { return k_ticks(); }

sys_prot_t sys_arch_protect(void) { return k_irq_save(); }
void sys_arch_unprotect(sys_prot_t pval) { k_irq_restore(pval); }

err_t sys_sem_new(sys_sem_t* sem, u8_t count) {
  k_sem_init(&sem->sem, count);
  sem->valid = 1;
  return ERR_OK;
}
void sys_sem_free(sys_sem_t* sem) { sem->valid = 0; }
void sys_sem_signal(sys_sem_t* sem) { k_sem_give(&sem->sem); }

u32_t sys_arch_sem_wait(sys_sem_t* sem, u32_t timeout) {
  const uint32_t start = k_ticks();
  if (k_sem_take(&sem->sem, timeout) != 0) return SYS_ARCH_TIMEOUT;
  return k_ticks() - start;
}

err_t sys_mutex_new(sys_mutex_t* m) { return sys_sem_new(m, 1); }
void sys_mutex_free(sys_mutex_t* m) { sys_sem_free(m); }
void sys_mutex_lock(sys_mutex_t* m) { k_sem_take(&m->sem, K_FOREVER); }
void sys_mutex_unlock(sys_mutex_t* m) { k_sem_give(&m->sem); }

err_t sys_mbox_new(sys_mbox_t* mbox, int size) {
#if CPX_MBOX_HONOURS_SIZE
  const int capacity = size <= 0 || size > SYS_MBOX_SIZE ? SYS_MBOX_SIZE : size;
#else
  const int capacity = SYS_MBOX_SIZE; /* see sys_arch.h */
  (void)size;
#endif
  const sys_prot_t p = sys_arch_protect();
  for (int i = 0; i < MAX_MBOXES; ++i) {
    if (!mboxes[i].valid) {
      sys_mbox_impl* m = &mboxes[i];
      m->valid = 1;
      sys_arch_unprotect(p);
      m->head = m->tail = 0;
      k_sem_init(&m->used, 0);
      k_sem_init(&m->free, capacity);
      *mbox = m;
      return ERR_OK;
    }
  }
  sys_arch_unprotect(p);
  *mbox = NULL;
  return ERR_MEM;
}

void sys_mbox_free(sys_mbox_t* mbox) {
  if (*mbox != NULL) (*mbox)->valid = 0;
}

static void Put(sys_mbox_impl* m, void* msg) {
  const sys_prot_t p = sys_arch_protect();
  m->msgs[m->head++ % SYS_MBOX_SIZE] = msg;
  sys_arch_unprotect(p);
  k_sem_give(&m->used);
}

void sys_mbox_post(sys_mbox_t* mbox, void* msg) {
  k_sem_take(&(*mbox)->free, K_FOREVER);
  Put(*mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t* mbox, void* msg) {
  /* A non-blocking take: count first, under protection. */
  sys_mbox_impl* m = *mbox;
  const sys_prot_t p = sys_arch_protect();
  if (m->free.count <= 0) {
    sys_arch_unprotect(p);
    return ERR_MEM;
  }
  --m->free.count;
  sys_arch_unprotect(p);
  Put(m, msg);
  return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t* mbox, void* msg) { return sys_mbox_trypost(mbox, msg); }

static void* Get(sys_mbox_impl* m) {
  const sys_prot_t p = sys_arch_protect();
  void* msg = m->msgs[m->tail++ % SYS_MBOX_SIZE];
  sys_arch_unprotect(p);
  k_sem_give(&m->free);
  return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t* mbox, void** msg, u32_t timeout) {
  const uint32_t start = k_ticks();
  if (k_sem_take(&(*mbox)->used, timeout) != 0) return SYS_ARCH_TIMEOUT;
  void* m = Get(*mbox);
  if (msg) *msg = m;
  return k_ticks() - start;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t* mbox, void** msg) {
  sys_mbox_impl* m = *mbox;
  const sys_prot_t p = sys_arch_protect();
  if (m->used.count <= 0) {
    sys_arch_unprotect(p);
    return SYS_MBOX_EMPTY;
  }
  --m->used.count;
  sys_arch_unprotect(p);
  void* got = Get(m);
  if (msg) *msg = got;
  return 0;
}

sys_thread_t sys_thread_new(const char* name, lwip_thread_fn thread, void* arg, int stacksize,
                            int prio) {
  (void)stacksize; /* every lwIP thread gets THREAD_STACK_WORDS */
  const sys_prot_t p = sys_arch_protect();
  if (threads_used == MAX_THREADS) {
    sys_arch_unprotect(p);
    return NULL;
  }
  uint32_t* stack = thread_stacks[threads_used++];
  sys_arch_unprotect(p);
  return k_task_create(name, thread, arg, (uint8_t)prio, stack, THREAD_STACK_WORDS);
}

#if LWIP_NETCONN_SEM_PER_THREAD
/* One semaphore per task, kept in the task (its `user` pointer). */
extern k_task k_tasks[];
static sys_sem_t thread_sems[K_MAX_TASKS];

void sys_arch_netconn_sem_alloc(void) {
  k_task* self = k_self();
  sys_sem_t* s = &thread_sems[self - k_tasks];
  sys_sem_new(s, 0);
  self->user = s;
}

sys_sem_t* sys_arch_netconn_sem_get(void) {
  if (k_self()->user == NULL) sys_arch_netconn_sem_alloc();
  return (sys_sem_t*)k_self()->user;
}

void sys_arch_netconn_sem_free(void) {
  k_task* self = k_self();
  if (self->user) sys_sem_free((sys_sem_t*)self->user);
  self->user = NULL;
}
#endif
