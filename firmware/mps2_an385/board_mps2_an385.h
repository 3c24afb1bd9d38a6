/* The mps2-an385 board as QEMU models it (hw/arm/mps2.c): a Cortex-M3 at
 * 25 MHz, CMSDK UARTs, a LAN9118 Ethernet controller; and the Cortex-M3
 * system registers the firmware touches. */
#ifndef CLOSEPROBE_FIRMWARE_BOARD_MPS2_AN385_H_
#define CLOSEPROBE_FIRMWARE_BOARD_MPS2_AN385_H_

#include <stdint.h>

#define BOARD_NAME "mps2-an385"
#define BOARD_CPU_HZ 25000000u

#define BOARD_UART0_BASE 0x40004000u /* the control channel (cpx/1) */
#define BOARD_UART1_BASE 0x40005000u /* a log for humans */
#define BOARD_UART0_RX_IRQ 0
#define BOARD_LAN9118_BASE 0x40200000u
#define BOARD_LAN9118_IRQ 13

#define REG32(addr) (*(volatile uint32_t*)(addr))

/* System control space. */
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_ICSR_PENDSVSET (1u << 28)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_SHPR3 REG32(0xE000ED20u)
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define NVIC_ISER(n) REG32(0xE000E100u + 4u * ((n) / 32u))
#define NVIC_ICER(n) REG32(0xE000E180u + 4u * ((n) / 32u))
#define NVIC_ISPR(n) REG32(0xE000E200u + 4u * ((n) / 32u))
#define NVIC_IPR8(n) (*(volatile uint8_t*)(0xE000E400u + (n)))

static inline void board_irq_enable(int irq) { NVIC_ISER(irq) = 1u << (irq % 32); }
static inline void board_irq_disable(int irq) { NVIC_ICER(irq) = 1u << (irq % 32); }
static inline void board_irq_pend(int irq) { NVIC_ISPR(irq) = 1u << (irq % 32); }
static inline void board_irq_priority(int irq, uint8_t prio) { NVIC_IPR8(irq) = prio; }

/* Resets the whole machine (QEMU reloads the image). */
void board_reset(void) __attribute__((noreturn));
/* Writes text to the control UART without interrupts, then resets: for
 * faults, where nothing else can be trusted. */
void board_panic(const char* what) __attribute__((noreturn));

#endif /* CLOSEPROBE_FIRMWARE_BOARD_MPS2_AN385_H_ */
