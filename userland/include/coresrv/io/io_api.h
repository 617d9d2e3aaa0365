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
/* The `index`-th (0-based, tree order) enabled device-tree node whose
 * compatible list holds `compatible` (at most 127 characters): its first
 * register range (*base, *size: CPU physical; 0, 0 when it has none) and
 * its first interrupt as a GIC INTID (*intid: 32+n for SPI n; 0 when it has
 * none or it is not wired to the GIC). Any out pointer may be NULL.
 * rcResourceNotFound past the last such node (enumerate from 0 until then),
 * rcInvalidArgument for "" or a longer string. */
Retcode KnIoFindDevice(const char *compatible, rtl_uint32_t index, rtl_uint64_t *base,
                       rtl_uint64_t *size, rtl_uint32_t *intid);

#endif
