/*
 * Device access for user-space drivers (kl.core.Io): MMIO mapping, interrupt
 * lines, DMA memory. The security policy decides which tasks may use it.
 */
#ifndef CORESRV_IO_API_H
#define CORESRV_IO_API_H

#include <rtl/types.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>

/* Maps [pa, pa+size) of device registers; *addr points at pa's byte. */
Retcode KnIoMapMmio(rtl_uint64_t pa, rtl_size_t size, void **addr);
/* Takes interrupt line `intid` (GIC SPI); the handle waits for it. */
Retcode KnIoAttachIrq(rtl_uint32_t intid, Handle *irq);
/* Blocks until the line fired; the line stays masked until KnIoAckIrq. */
Retcode KnIoWaitIrq(Handle irq, rtl_uint64_t timeoutNs);
Retcode KnIoAckIrq(Handle irq);
/* Zeroed, physically contiguous memory; *pa is the address devices use. */
Retcode KnIoAllocDma(rtl_size_t size, void **addr, rtl_uint64_t *pa);

#endif
