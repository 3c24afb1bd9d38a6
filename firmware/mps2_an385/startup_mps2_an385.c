/* Start-up of the mps2-an385 firmware: the vector table, the reset handler
 * (copy .data, clear .bss, call main), and fault handlers that report a
 * PANIC on the control channel and reset the board. */
#include <stdint.h>
#include <string.h>

#include "board_mps2_an385.h"
#include "uart_cmsdk.h"

extern uint32_t __stack_top, __data_load, __data_start, __data_end, __bss_start, __bss_end;
int main(void);
void Reset_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
void uart0_rx_isr(void);
void lan9118_isr(void);

static void Unexpected(void) { board_panic("unexpected_interrupt"); }
/* A fault names where it happened: the pc and lr the exception stacked. */
void FaultReport(const uint32_t* frame, const char* what) {
  static const char hex[] = "0123456789abcdef";
  char text[64] = {0};
  char* p = text;
  for (const char* w = what; *w; ++w) *p++ = *w;
  const uint32_t regs[2] = {frame[6], frame[5]};
  const char* const names[2] = {" pc=", " lr="};
  for (int r = 0; r < 2; ++r) {
    for (const char* n = names[r]; *n; ++n) *p++ = *n;
    for (int i = 7; i >= 0; --i) *p++ = hex[(regs[r] >> (4 * i)) & 15];
  }
  board_panic(text);
}

__attribute__((naked)) static void HardFault(void) {
  __asm volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "ldr r1, =kHardFault\n"
      "b FaultReport\n");
}
const char kHardFault[] = "hard_fault";
static void MemManage(void) { board_panic("memmanage_fault"); }
static void BusFault(void) { board_panic("bus_fault"); }
static void UsageFault(void) { board_panic("usage_fault"); }

#define BOARD_NUM_IRQS 32
typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) static const vector kVectors[16 + BOARD_NUM_IRQS] = {
    (vector)(uintptr_t)&__stack_top,
    Reset_Handler,
    Unexpected, /* NMI */
    HardFault,
    MemManage,
    BusFault,
    UsageFault,
    0, 0, 0, 0,
    Unexpected, /* SVCall */
    Unexpected, /* DebugMon */
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 + BOARD_UART0_RX_IRQ] = uart0_rx_isr,
    [16 + 1 ... 16 + BOARD_LAN9118_IRQ - 1] = Unexpected,
    [16 + BOARD_LAN9118_IRQ] = lan9118_isr,
    [16 + BOARD_LAN9118_IRQ + 1 ... 16 + BOARD_NUM_IRQS - 1] = Unexpected,
};

void Reset_Handler(void) {
  memcpy(&__data_start, &__data_load,
         (size_t)((char*)&__data_end - (char*)&__data_start));
  memset(&__bss_start, 0, (size_t)((char*)&__bss_end - (char*)&__bss_start));
  main();
  board_panic("main_returned");
}

void board_reset(void) {
  __asm volatile("dsb");
  SCB_AIRCR = 0x05FA0004u; /* VECTKEY | SYSRESETREQ */
  __asm volatile("dsb");
  for (;;) {
  }
}

void board_panic(const char* what) {
  __asm volatile("cpsid i");
  uart_write_polled(BOARD_UART0_BASE, "\n* PANIC ");
  uart_write_polled(BOARD_UART0_BASE, what);
  uart_write_polled(BOARD_UART0_BASE, "\n");
  board_reset();
}
