/* A small preemptive kernel of the project's own: fixed-priority tasks
 * with round robin among equals, counting semaphores with timeouts, and a
 * millisecond tick. Enough for lwIP's sys_arch and the executor.
 *
 * Threading model: tasks run in thread mode on their own stacks; the tick
 * and device interrupts may give semaphores (k_sem_give is safe from an
 * interrupt). Kernel state is guarded by masking interrupts (PRIMASK) for
 * a few instructions; the switch itself happens in PendSV, at the lowest
 * priority, once no critical section is open. Single core only. */
#ifndef CLOSEPROBE_FIRMWARE_KERNEL_H_
#define CLOSEPROBE_FIRMWARE_KERNEL_H_

#include <stddef.h>
#include <stdint.h>

#define K_MAX_TASKS 16
#define K_FOREVER 0u /* a timeout of 0 ms waits for ever */
#define K_TIMEOUT (-1)

typedef struct k_sem {
  volatile int32_t count;
} k_sem;

typedef struct k_task {
  uint32_t* sp; /* saved stack pointer; first member (the switch code uses it) */
  uint8_t prio; /* higher runs first */
  volatile uint8_t state;
  const k_sem* wait_on;
  uint32_t wake_tick; /* 0: no timeout */
  uint32_t wait_seq;  /* when it began waiting: the oldest waiter is woken first */
  int wait_result;    /* 0 given, K_TIMEOUT */
  int err;            /* this task's errno */
  void* user;         /* one pointer for the task's own use (lwIP's per-thread semaphore) */
  const char* name;
} k_task;

typedef void (*k_entry)(void* arg);

/* Creates a task; its stack is `stack_words` words of `stack`. NULL when
 * the task table is full. May be called before and after k_start. */
k_task* k_task_create(const char* name, k_entry entry, void* arg, uint8_t prio,
                      uint32_t* stack, size_t stack_words);
/* Starts the tick and the first task; never returns. */
void k_start(void) __attribute__((noreturn));
k_task* k_self(void);

void k_sem_init(k_sem* s, int32_t count);
/* 0 when taken, K_TIMEOUT when timeout_ms (K_FOREVER: none) passed first. */
int k_sem_take(k_sem* s, uint32_t timeout_ms);
/* Safe from interrupts. */
void k_sem_give(k_sem* s);

void k_sleep_ms(uint32_t ms);
/* Ticks (ms) since k_start; the clock of the stack's timers. */
uint32_t k_ticks(void);
/* Microseconds since k_start, from the tick and the SysTick counter. */
uint64_t k_now_us(void);

/* Interrupt masking for short critical sections (nestable by value). */
static inline uint32_t k_irq_save(void) {
  uint32_t primask;
  __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
  return primask;
}
static inline void k_irq_restore(uint32_t primask) {
  __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

#endif /* CLOSEPROBE_FIRMWARE_KERNEL_H_ */
