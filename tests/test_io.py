"""Device access for user-space drivers (kl.core.Io) on QEMU virt: MMIO of
the PL031 RTC, its interrupt delivered to a task, DMA memory
(tests/guest/kernel/test_io.c)."""
import pytest

from programs import assert_checks


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_device_access_endpoint(boot):
    assert_checks(boot, "test_io", [
        "ram_is_not_a_device", "ram_straddle_refused", "ram_first_byte_refused",
        "wrapping_size_refused", "empty_range_refused", "kernel_console_uart_refused",
        "kernel_gic_refused", "mmio_mapped", "mmio_reads_device_id", "irq_attached",
        "irq_line_is_exclusive", "irq_busy_leaves_no_object", "kernel_ppi_refused", "irq_wait_times_out", "irq_delivered",
        "irq_acked", "irq_free_after_close", "dma_buffer", "dma_buffer_writable"])
