/* CMSDK APB UART driver (see uart_cmsdk.h). QEMU's model holds one
 * received byte and accepts the next only after DATA is read, so no byte is
 * lost; but a byte latched while the RX interrupt is off raises no
 * interrupt later: RX is enabled together with its interrupt, which is
 * then pended once so such a byte is read. */
#include "uart_cmsdk.h"

#include "board_mps2_an385.h"

#define UART_DATA(b) REG32((b) + 0x0u)
#define UART_STATE(b) REG32((b) + 0x4u)
#define UART_CTRL(b) REG32((b) + 0x8u)
#define UART_INT(b) REG32((b) + 0xCu)
#define UART_BAUDDIV(b) REG32((b) + 0x10u)
#define STATE_TXFULL 1u
#define STATE_RXFULL 2u
#define CTRL_TXEN 1u
#define CTRL_RXEN 2u
#define CTRL_RXINTEN 8u
#define INT_RX 2u

#define RX_RING 1024u /* a power of two */
static volatile char ring[RX_RING];
static volatile uint32_t ring_head, ring_tail; /* head: ISR writes; tail: task reads */
static void (*rx_notify)(void);

void uart_init_tx(uint32_t base) {
  UART_BAUDDIV(base) = 16; /* the smallest divisor the model accepts */
  UART_CTRL(base) |= CTRL_TXEN;
}

void uart_write_bytes(uint32_t base, const char* bytes, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    while (UART_STATE(base) & STATE_TXFULL) {
    }
    UART_DATA(base) = (uint8_t)bytes[i];
  }
}

void uart_write_polled(uint32_t base, const char* text) {
  while (*text) uart_write_bytes(base, text++, 1);
}

void uart0_start_rx(void (*on_byte)(void)) {
  rx_notify = on_byte;
  board_irq_priority(BOARD_UART0_RX_IRQ, 0x80);
  UART_CTRL(BOARD_UART0_BASE) |= CTRL_RXEN | CTRL_RXINTEN;
  board_irq_enable(BOARD_UART0_RX_IRQ);
  board_irq_pend(BOARD_UART0_RX_IRQ);
}

void uart0_rx_isr(void) {
  const uint32_t base = BOARD_UART0_BASE;
  UART_INT(base) = INT_RX;
  /* When the ring is full the byte stays in the UART: the model then
   * holds the host back until the control task has read. */
  while ((UART_STATE(base) & STATE_RXFULL) && ring_head - ring_tail < RX_RING) {
    ring[ring_head % RX_RING] = (char)UART_DATA(base);
    ++ring_head;
  }
  if (rx_notify) rx_notify();
}

size_t uart0_take(char* out, size_t max) {
  size_t n = 0;
  while (n < max && ring_tail != ring_head) {
    out[n++] = ring[ring_tail % RX_RING];
    ++ring_tail;
  }
  if (UART_STATE(BOARD_UART0_BASE) & STATE_RXFULL) board_irq_pend(BOARD_UART0_RX_IRQ);
  return n;
}
