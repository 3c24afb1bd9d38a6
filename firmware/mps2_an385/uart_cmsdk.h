/* The CMSDK APB UART (ARM's, as QEMU models it): polled transmit, and
 * receive by interrupt into a ring the control task drains. */
#ifndef CLOSEPROBE_FIRMWARE_UART_CMSDK_H_
#define CLOSEPROBE_FIRMWARE_UART_CMSDK_H_

#include <stddef.h>
#include <stdint.h>

void uart_init_tx(uint32_t base);
void uart_write_polled(uint32_t base, const char* text);
void uart_write_bytes(uint32_t base, const char* bytes, size_t n);
/* Starts receiving on UART0 into the ring; `on_byte` (from the interrupt)
 * is told a byte is there. */
void uart0_start_rx(void (*on_byte)(void));
/* Takes up to `max` received bytes; 0 if none. */
size_t uart0_take(char* out, size_t max);

#endif /* CLOSEPROBE_FIRMWARE_UART_CMSDK_H_ */
