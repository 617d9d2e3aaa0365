/*
 * test_io: the device-access endpoint on QEMU virt. Maps the PL031 RTC
 * (0x09010000, QEMU virt) and reads its PrimeCell id; refuses RAM (also a
 * range reaching into it, a wrapping or empty range); takes
 * the RTC's interrupt line (SPI 2 = INTID 34), makes the RTC fire it
 * through its match register, waits for it and acks; gets a DMA buffer
 * with a bus address.
 */
#include <coresrv/io/io_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <stdint.h>
#include <string.h>
#include <uapi/syscall.h>
#include "../check.h"

#define PL031_PA   0x09010000u
#define RTC_DR     0x00
#define RTC_MR     0x04
#define RTC_IMSC   0x10
#define RTC_ICR    0x1c
#define RTC_PERIPHID0 0xfe0
#define RTC_INTID  (32 + 2)

static uint32_t rd(volatile uint8_t *b, unsigned off) { return *(volatile uint32_t *)(b + off); }
static void wr(volatile uint8_t *b, unsigned off, uint32_t v) { *(volatile uint32_t *)(b + off) = v; }

int main(void)
{
    void *p;
    Retcode rc = KnIoMapMmio(0x40000000u, 4096, &p);
    CHECK("ram_is_not_a_device", rc == rcInvalidArgument, "rc %d", rc);
    /* RAM starts at 0x40000000: a range reaching into it from below, one byte
     * of it, a size that wraps, and an empty range are all refused */
    rc = KnIoMapMmio(0x3ffff000u, 0x2000, &p);
    CHECK("ram_straddle_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = KnIoMapMmio(0x3fffffffu, 2, &p);
    CHECK("ram_first_byte_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = KnIoMapMmio(0xfffffffffffff000ull, 0x2000, &p);
    CHECK("wrapping_size_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = KnIoMapMmio(PL031_PA, 0, &p);
    CHECK("empty_range_refused", rc == rcInvalidArgument, "rc %d", rc);
    /* Devices the kernel drives on virt: the console PL011 and the GIC distributor. */
    rc = KnIoMapMmio(0x09000000u, 4096, &p);
    CHECK("kernel_console_uart_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = KnIoMapMmio(0x08000000u + 0x100, 4, &p);
    CHECK("kernel_gic_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = KnIoMapMmio(PL031_PA, 4096, &p);
    volatile uint8_t *rtc = p;
    CHECK("mmio_mapped", rc == rcOk && p, "rc %d", rc);
    if (rc == rcOk)
        CHECK("mmio_reads_device_id", rd(rtc, RTC_PERIPHID0) == 0x31, "id %#x", rd(rtc, RTC_PERIPHID0));

    Handle irq, irq2;
    rc = KnIoAttachIrq(RTC_INTID, &irq);
    CHECK("irq_attached", rc == rcOk, "rc %d", rc);
    KnSysInfo i0, i1;
    KnSysGetInfo(&i0);
    rc = KnIoAttachIrq(RTC_INTID, &irq2);
    KnSysGetInfo(&i1);
    CHECK("irq_line_is_exclusive", rc == rcBusy, "rc %d", rc);
    CHECK("irq_busy_leaves_no_object", i1.kobjects == i0.kobjects, "kobjects %lu -> %lu",
          (unsigned long)i0.kobjects, (unsigned long)i1.kobjects);
    rc = KnIoAttachIrq(27, &irq2);
    CHECK("kernel_ppi_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = KnIoWaitIrq(irq, 20000000);
    CHECK("irq_wait_times_out", rc == rcTimeout, "rc %d", rc);
    if (rtc) {
        wr(rtc, RTC_MR, rd(rtc, RTC_DR) + 1);        /* fire within a second */
        wr(rtc, RTC_IMSC, 1);
        rc = KnIoWaitIrq(irq, 3000000000ull);
        CHECK("irq_delivered", rc == rcOk, "rc %d", rc);
        wr(rtc, RTC_ICR, 1);
        wr(rtc, RTC_IMSC, 0);
        rc = KnIoAckIrq(irq);
        CHECK("irq_acked", rc == rcOk, "rc %d", rc);
    }
    KnHandleClose(irq);
    rc = KnIoAttachIrq(RTC_INTID, &irq2);
    CHECK("irq_free_after_close", rc == rcOk, "rc %d", rc);

    uint64_t pa = 0;
    rc = KnIoAllocDma(3 * 4096, &p, &pa);
    CHECK("dma_buffer", rc == rcOk && p && pa >= 0x40000000u && !(pa & 4095), "rc %d pa %#llx", rc,
          (unsigned long long)pa);
    if (rc == rcOk) {
        memset(p, 0xa5, 3 * 4096);
        CHECK("dma_buffer_writable", ((uint8_t *)p)[3 * 4096 - 1] == 0xa5, "no");
    }
    printf("test_io: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
