"""Device access for user-space drivers (kl.core.Io) on QEMU virt: MMIO of
the PL031 RTC, its interrupt delivered to a task, DMA memory
(tests/guest/kernel/test_io.c)."""
import pytest

from programs import assert_checks


IO_CHECKS = [
    "ram_is_not_a_device", "ram_straddle_refused", "ram_first_byte_refused",
    "wrapping_size_refused", "empty_range_refused", "kernel_console_uart_refused",
    "kernel_gic_refused", "mmio_mapped", "mmio_reads_device_id", "irq_attached",
    "irq_line_is_exclusive", "irq_busy_leaves_no_object", "kernel_ppi_refused", "irq_wait_times_out", "irq_delivered",
    "irq_acked", "irq_free_after_close", "dma_buffer", "dma_buffer_writable"]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("gic", ["2", "3"])
def test_device_access_endpoint(boot, monkeypatch, gic):
    """On both GICs, at the suite's -smp 4: the RTC's SPI goes to the boot
    core and wakes the driver thread wherever it waits."""
    monkeypatch.setenv("GIC", gic)
    assert_checks(boot, "test_io", IO_CHECKS)
