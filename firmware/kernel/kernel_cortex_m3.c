/* The Cortex-M3 half of the kernel: a task's first stack frame, the
 * context switch in PendSV (r4-r11 saved on the task's stack, the rest by
 * the exception entry), the SysTick at 1 kHz, and the start. */
#include <stdint.h>

#include "../mps2_an385/board_mps2_an385.h"
#include "kernel.h"

extern k_task* volatile k_current;
k_task* k_schedule(void);
void k_tick(void);

static void TaskReturned(void) {
  board_panic("task_returned");
}

void k_port_pend_switch(void) { SCB_ICSR = SCB_ICSR_PENDSVSET; }

uint32_t* k_port_init_stack(uint32_t* top, k_entry entry, void* arg) {
  uint32_t* sp = (uint32_t*)((uintptr_t)top & ~(uintptr_t)7);
  *--sp = 0x01000000u;                          /* xPSR: Thumb */
  *--sp = (uint32_t)(uintptr_t)entry & ~1u;     /* PC */
  *--sp = (uint32_t)(uintptr_t)TaskReturned;    /* LR */
  for (int i = 0; i < 4; ++i) *--sp = 0;        /* r12, r3, r2, r1 */
  *--sp = (uint32_t)(uintptr_t)arg;             /* r0 */
  for (int i = 0; i < 8; ++i) *--sp = 0;        /* r11..r4 */
  return sp;
}

void k_port_choose(void) { k_current = k_schedule(); }

__attribute__((naked)) void PendSV_Handler(void) {
  __asm volatile(
      "cpsid i\n"
      "mrs r0, psp\n"
      "stmdb r0!, {r4-r11}\n"
      "ldr r1, =k_current\n"
      "ldr r2, [r1]\n"
      "str r0, [r2]\n"
      "push {r1, lr}\n"
      "bl k_port_choose\n"
      "pop {r1, lr}\n"
      "ldr r2, [r1]\n"
      "ldr r0, [r2]\n"
      "ldmia r0!, {r4-r11}\n"
      "msr psp, r0\n"
      "cpsie i\n"
      "bx lr\n");
}

void SysTick_Handler(void) {
  const uint32_t irq = k_irq_save();
  k_tick();
  k_irq_restore(irq);
}

#define TICK_RELOAD (BOARD_CPU_HZ / 1000u - 1u)

uint64_t k_now_us(void) {
  const uint32_t irq = k_irq_save();
  uint32_t t = k_ticks();
  const uint32_t cvr = SYST_CVR;
  /* A wrap not yet counted by the tick handler. */
  if ((SCB_ICSR & SCB_ICSR_PENDSTSET) && cvr > TICK_RELOAD / 2) ++t;
  k_irq_restore(irq);
  return (uint64_t)t * 1000u + (TICK_RELOAD - cvr) / (BOARD_CPU_HZ / 1000000u);
}

/* What the start-up code was running as: saved once, never resumed. */
static k_task boot;
static uint32_t boot_stack[128];

void k_start(void) {
  /* PendSV and SysTick at the lowest priority: a switch never interrupts
   * a device handler. */
  SCB_SHPR3 = (SCB_SHPR3 & 0x0000FFFFu) | 0xFFFF0000u;
  k_current = &boot;
  __asm volatile(
      "msr psp, %0\n"
      "movs r0, #2\n"
      "msr control, r0\n" /* thread mode on the process stack */
      "isb\n" ::"r"(boot_stack + 128)
      : "r0", "memory");
  SYST_RVR = TICK_RELOAD;
  SYST_CVR = 0;
  SYST_CSR = 7; /* processor clock, interrupt, enable */
  k_port_pend_switch();
  __asm volatile("cpsie i" ::: "memory");
  for (;;) {
  }
}
