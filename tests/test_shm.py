"""Shared memory (MDL buffers, kl.core.Mdl) on the console: test_shm shares
buffers between two tasks both ways with rights reduced on transfer, keeps a
buffer mapped after its creator ended, checks the memory-limit accounting and
every bad input of docs/ABI.md, and runs 10,000 create/map/unmap/close
cycles with the free-page count unchanged."""
import functools
import re

import pytest

import boards
from programs import assert_checks

CHECKS = [
    # the client task (test_shm client) with shm_peer
    "create_and_map", "peer_reads_what_creator_wrote", "transfer_reduces_rights",
    "read_only_handle_cannot_map_writable", "creator_reads_what_peer_wrote",
    "transfer_more_rights_refused", "unmap", "double_unmap_refused",
    "buffer_outlives_its_creator", "window_read_while_creator_lives",
    "window_write_without_right", "window_cannot_be_mapped", "window_copy_past_end_refused",
    "window_of_ended_task_refused",
    # the first task
    "client_checks_pass", "creator_dead_pages_back",
    "create_charges_creator_once", "charge_ends_with_last_mapping", "create_past_limit_refused",
    "from_vm_more_than_allowed_refused", "from_vm_part_refused", "from_vm_shares_the_pages",
    "from_vm_twice_refused", "from_vm_unmap", "from_vm_charge_gone",
    "create_size_zero_refused", "create_size_wraps_refused", "create_size_too_large",
    "create_wx_refused", "create_unknown_prot_refused", "exec_buffer_has_exec_right",
    "bad_input_setup", "get_size", "map_over_mapping_refused", "map_over_heap_refused",
    "map_offset_plus_length_wraps", "map_past_end_refused", "map_unaligned_offset_refused",
    "map_length_zero_refused", "map_exec_without_right", "map_wx_refused",
    "copy_read_only_cannot_map_writable", "map_with_other_object_refused",
    "unmap_plain_allocation_refused", "unmap_part_refused", "unmap_whole", "unmap_twice_refused",
    "closed_handle_refused",
    # Mdl.ReadNew (fresh memory filled from a window)
    "read_new_copies_rest_zero", "read_new_freed_by_vm_free", "read_new_charge_gone",
    "read_new_size_zero_refused", "read_new_past_end_refused", "read_new_offset_past_end_refused",
    "read_new_offset_plus_size_wraps", "read_new_write_only_window",
    "read_new_without_read_right", "read_new_null_out", "read_new_not_a_buffer",
    "read_new_over_hole_source_fault", "read_new_too_large", "read_new_from_page_buffer",
    "read_new_cycles_pages_unchanged",
    "cycles_10000_pages_unchanged",
]


def test_shared_memory(boot):
    assert_checks(boot, "test_shm", CHECKS, timeout=300)


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_shared_memory_debug_kernel(boot):
    """The same on the debug kernel: its DEBUG_ASSERTs (e.g. that no cached
    translation outlives an unmap) hold through every mapping and unmapping."""
    text = assert_checks(functools.partial(boot, kernel=boards.VIRT_KDEBUG_KERNEL), "test_shm",
                         CHECKS, timeout=300)
    assert re.search(r"KOS-A64 .*\(.*virt debug\)", text), text[:2000]
