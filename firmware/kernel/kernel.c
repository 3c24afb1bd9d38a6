/* The kernel's tasks, semaphores and time (see kernel.h). The
 * Cortex-M3-specific parts (stack frames, PendSV, SysTick) are in
 * kernel_cortex_m3.c. */
#include "kernel.h"

#include <errno.h>

enum { K_READY = 1, K_WAITING = 2 };

k_task k_tasks[K_MAX_TASKS];
int k_num_tasks;
k_task* volatile k_current;
static volatile uint32_t ticks;
static uint32_t wait_counter;
static const k_sem kSleeping = {0}; /* what a sleeping task waits on: never given */

uint32_t* k_port_init_stack(uint32_t* top, k_entry entry, void* arg);
void k_port_pend_switch(void);

/* newlib's errno is per task: lwIP's socket calls and the executor read
 * it after a call while other tasks make calls of their own. */
int* __errno(void) {
  static int before_start;
  return k_current ? &k_current->err : &before_start;
}

k_task* k_self(void) { return k_current; }
uint32_t k_ticks(void) { return ticks; }

k_task* k_task_create(const char* name, k_entry entry, void* arg, uint8_t prio,
                      uint32_t* stack, size_t stack_words) {
  const uint32_t irq = k_irq_save();
  if (k_num_tasks == K_MAX_TASKS) {
    k_irq_restore(irq);
    return NULL;
  }
  k_task* t = &k_tasks[k_num_tasks];
  t->name = name;
  t->prio = prio;
  t->sp = k_port_init_stack(stack + stack_words, entry, arg);
  t->state = K_READY;
  ++k_num_tasks; /* last: the scheduler sees it only complete */
  k_irq_restore(irq);
  if (k_current != NULL && prio > k_current->prio) k_port_pend_switch();
  return t;
}

/* The next task to run (called by PendSV with interrupts masked): the
 * highest priority ready task, round robin after the current one. */
k_task* k_schedule(void) {
  const int start = k_current >= k_tasks && k_current < k_tasks + K_MAX_TASKS
                        ? (int)(k_current - k_tasks) + 1
                        : 0;
  k_task* best = NULL;
  for (int i = 0; i < k_num_tasks; ++i) {
    k_task* t = &k_tasks[(start + i) % k_num_tasks];
    if (t->state == K_READY && (best == NULL || t->prio > best->prio)) best = t;
  }
  return best; /* the idle task is always ready */
}

/* The tick: wakes tasks whose timeout passed; a switch at every tick gives
 * tasks of equal priority turns. */
void k_tick(void) {
  ++ticks;
  for (int i = 0; i < k_num_tasks; ++i) {
    k_task* t = &k_tasks[i];
    if (t->state == K_WAITING && t->wake_tick != 0 && (int32_t)(ticks - t->wake_tick) >= 0) {
      t->state = K_READY;
      t->wait_on = NULL;
      t->wait_result = K_TIMEOUT;
    }
  }
  k_port_pend_switch();
}

uint64_t k_now_us(void);

void k_sem_init(k_sem* s, int32_t count) { s->count = count; }

int k_sem_take(k_sem* s, uint32_t timeout_ms) {
  uint32_t irq = k_irq_save();
  if (s->count > 0) {
    --s->count;
    k_irq_restore(irq);
    return 0;
  }
  k_task* self = k_current;
  self->wait_on = s;
  self->wait_seq = ++wait_counter;
  self->wake_tick = timeout_ms == K_FOREVER ? 0 : ticks + timeout_ms;
  if (self->wake_tick == 0 && timeout_ms != K_FOREVER) self->wake_tick = 1;
  self->wait_result = K_TIMEOUT;
  self->state = K_WAITING;
  k_port_pend_switch();
  k_irq_restore(irq); /* the switch happens here */
  return self->wait_result;
}

void k_sem_give(k_sem* s) {
  const uint32_t irq = k_irq_save();
  k_task* waiter = NULL;
  for (int i = 0; i < k_num_tasks; ++i) {
    k_task* t = &k_tasks[i];
    if (t->state != K_WAITING || t->wait_on != s) continue;
    if (waiter == NULL || t->prio > waiter->prio ||
        (t->prio == waiter->prio && (int32_t)(t->wait_seq - waiter->wait_seq) < 0)) {
      waiter = t;
    }
  }
  if (waiter != NULL) {
    waiter->state = K_READY;
    waiter->wait_on = NULL;
    waiter->wait_result = 0;
    if (k_current == NULL || waiter->prio >= k_current->prio) k_port_pend_switch();
  } else {
    ++s->count;
  }
  k_irq_restore(irq);
}

void k_sleep_ms(uint32_t ms) {
  if (ms == 0) {
    k_port_pend_switch(); /* a yield */
    return;
  }
  k_sem_take((k_sem*)&kSleeping, ms);
}
