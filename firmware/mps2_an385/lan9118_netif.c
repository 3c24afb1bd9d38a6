/* LAN9118 driver and lwIP netif, written against QEMU's model
 * (hw/net/lan9118.c): 32-bit FIFO access, the MAC address QEMU was given
 * (`-nic ...,mac=`) read from the MAC's address registers, transmit as
 * command A/B words then the frame, receive by status then data words.
 *
 * The receive data FIFO holds ceil(status length / 4) words per frame,
 * the length counting the 4-byte FCS; reading one word more (a frame whose
 * length is a multiple of 4) would take the next frame's first word and
 * desynchronise the FIFO, so exactly that many are read. */
#include "lan9118_netif.h"

#include <string.h>

#include "board_mps2_an385.h"
#include "kernel.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#define LAN(off) REG32(BOARD_LAN9118_BASE + (off))
#define RX_DATA 0x00u
#define TX_DATA 0x20u
#define RX_STATUS 0x40u
#define IRQ_CFG 0x54u
#define INT_STS 0x58u
#define INT_EN 0x5Cu
#define BYTE_TEST 0x64u
#define FIFO_INT 0x68u
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7Cu
#define MAC_CSR_CMD 0xA4u
#define MAC_CSR_DATA 0xA8u

#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_FDPX (1u << 20)
#define MAC_CR_MCPAS (1u << 19)
#define INT_RSFL (1u << 3)
#define IRQ_EN (1u << 8)
#define IRQ_POL (1u << 4)  /* active high ... */
#define IRQ_TYPE (1u << 0) /* ... push-pull: otherwise QEMU's line is active low */
#define TX_ON (1u << 1)
#define TX_SAO (1u << 2) /* no need to pop transmit status words */

static struct netif* the_netif;
static k_sem rx_wake;
static uint32_t rx_stack[1024];
static volatile uint32_t frames_in, frames_out, drops;
/* Separate buffers: the rx task and lwIP's sender run concurrently. */
static uint32_t rx_words[(2048 + 8) / 4];
static uint32_t tx_words[(1536 + 8) / 4];

static uint32_t MacRead(uint32_t reg) {
  LAN(MAC_CSR_CMD) = (1u << 31) | (1u << 30) | reg;
  while (LAN(MAC_CSR_CMD) & (1u << 31)) {
  }
  return LAN(MAC_CSR_DATA);
}

static void MacWrite(uint32_t reg, uint32_t value) {
  LAN(MAC_CSR_DATA) = value;
  LAN(MAC_CSR_CMD) = (1u << 31) | reg;
  while (LAN(MAC_CSR_CMD) & (1u << 31)) {
  }
}

void lan9118_counters(uint32_t* in, uint32_t* out, uint32_t* dropped) {
  *in = frames_in;
  *out = frames_out;
  *dropped = drops;
}

static err_t LinkOutput(struct netif* netif, struct pbuf* p) {
  (void)netif;
  if (p->tot_len > 1514) return ERR_IF;
  /* One frame in whole words (LWIP_NETIF_TX_SINGLE_PBUF keeps chains rare). */
  pbuf_copy_partial(p, tx_words, p->tot_len, 0);
  const uint32_t len = p->tot_len;
  const uint32_t irq = k_irq_save(); /* one writer of the TX FIFO at a time */
  LAN(TX_DATA) = (1u << 13) | (1u << 12) | len; /* first | last segment | size */
  LAN(TX_DATA) = (len << 16) | len;             /* tag | packet length */
  for (uint32_t i = 0; i < (len + 3) / 4; ++i) LAN(TX_DATA) = tx_words[i];
  k_irq_restore(irq);
  ++frames_out;
  return ERR_OK;
}

/* Drains the receive FIFO: each frame into a pbuf, to the tcpip thread. */
static void ReceiveAll(void) {
  while ((LAN(RX_FIFO_INF) >> 16) & 0xFFu) {
    const uint32_t status = LAN(RX_STATUS);
    const uint32_t len = (status >> 16) & 0x3FFFu; /* frame + FCS */
    const uint32_t words = (len + 3) / 4;
    if (words > sizeof(rx_words) / 4) { /* cannot be: the model caps frames at 2048 */
      for (uint32_t i = 0; i < words; ++i) (void)LAN(RX_DATA);
      ++drops;
      continue;
    }
    for (uint32_t i = 0; i < words; ++i) rx_words[i] = LAN(RX_DATA);
    if ((status & (1u << 15)) || len < 4 + 14) { /* error summary, or a runt */
      ++drops;
      continue;
    }
    struct pbuf* p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4), PBUF_POOL);
    if (p == NULL) {
      ++drops;
      continue;
    }
    pbuf_take(p, rx_words, (u16_t)(len - 4));
    ++frames_in;
    if (the_netif->input(p, the_netif) != ERR_OK) {
      pbuf_free(p);
      ++drops;
    }
  }
}

static void RxTask(void* arg) {
  (void)arg;
  for (;;) {
    k_sem_take(&rx_wake, K_FOREVER);
    /* Clear first, then drain: a frame arriving after the drain raises
     * the status again, and the interrupt with it. */
    LAN(INT_STS) = INT_RSFL;
    ReceiveAll();
    LAN(INT_EN) = INT_RSFL;
  }
}

/* The line is level-triggered: masked here, unmasked by the task. */
void lan9118_isr(void) {
  LAN(INT_EN) = 0;
  k_sem_give(&rx_wake);
}

err_t lan9118_netif_init(struct netif* netif) {
  if (LAN(BYTE_TEST) != 0x87654321u) return ERR_IF;
  LAN(HW_CFG) = 1; /* soft reset */
  while (LAN(HW_CFG) & 1u) {
  }
  the_netif = netif;
  netif->name[0] = 'e';
  netif->name[1] = 'n';
  netif->output = etharp_output;
  netif->linkoutput = LinkOutput;
  netif->mtu = 1500;
  netif->hwaddr_len = 6;
  const uint32_t lo = MacRead(MAC_ADDRL), hi = MacRead(MAC_ADDRH);
  for (int i = 0; i < 4; ++i) netif->hwaddr[i] = (u8_t)(lo >> (8 * i));
  netif->hwaddr[4] = (u8_t)hi;
  netif->hwaddr[5] = (u8_t)(hi >> 8);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                 NETIF_FLAG_LINK_UP;

  k_sem_init(&rx_wake, 0);
  k_task_create("eth_rx", RxTask, NULL, 4, rx_stack, sizeof(rx_stack) / 4);
  MacWrite(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX | MAC_CR_MCPAS);
  LAN(TX_CFG) = TX_ON | TX_SAO;
  LAN(FIFO_INT) = 0; /* interrupt at the first status word */
  LAN(IRQ_CFG) = IRQ_EN | IRQ_POL | IRQ_TYPE;
  LAN(INT_STS) = 0xFFFFFFFFu;
  LAN(INT_EN) = INT_RSFL;
  board_irq_priority(BOARD_LAN9118_IRQ, 0x80);
  board_irq_enable(BOARD_LAN9118_IRQ);
  return ERR_OK;
}
