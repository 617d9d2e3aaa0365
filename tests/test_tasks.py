"""User tasks, threads, handles and the system-call ABI, on the console.

Each test boots one test program from the boot image as the first task
(`init=<program>`). The programs print `CHECK <name>: ok|FAIL ...` per
check and `<program>: done (N failures)`; the system powers off with the
program's exit status. Every check named below must appear and pass, so a
check that silently disappears fails the test too.
"""
import re

import pytest

from programs import assert_checks, run_program

CHECKS = {
    "test_threads": ["create_8_threads", "join_8_results", "errno_per_thread",
                     "priorities_0_to_31_accepted", "priorities_out_of_range_rejected",
                     "tls_key_per_thread", "suspended_start", "join_frees_stack_and_tls",
                     "threads_exiting_back_to_back_leak_nothing",
                     "terminate_blocked_and_running", "terminate_twice_refused",
                     "terminate_unknown_refused", "terminate_leaks_nothing"],
    "test_sync": ["mutex_counter_exact", "condvar_queue_counts", "semaphore_ping_pong",
                  "event_auto_reset_wakes_one", "event_manual_wakes_all",
                  "rwlock_readers_share_writer_excluded", "mutex_lock_timeout",
                  "semaphore_wait_timeout", "condvar_wait_timeout", "thread_wait_timeout"],
    "test_sleep": ["sleep_returns_ok", "sleep_100ms_in_range", "user_clock_matches_kernel",
                   "clock_monotonic"],
    "test_spin": ["spinner_created", "spinner_progresses"],
    "test_handles": ["forged_handles_refused", "info_after_close", "copy_more_rights_refused",
                     "copy_fewer_rights", "info_shows_copied_rights", "child_revoked",
                     "grandchild_revoked", "close_parent_keeps_child",
                     "revoke_needs_revoke_right", "quota_exceeded_at_limit",
                     "quota_create_again", "quota_objects_freed",
                     "stale_value_refused_after_32768_cycles"],
    "test_memory": ["vm_wx_refused", "vm_allocate_until_out_of_memory", "vm_free_all",
                    "vm_allocate_works_again", "malloc_until_enomem", "malloc_works_after_free",
                    "vm_free_returns_page_tables"],
    "test_vm_ranges": ["vm_hint_near_2_64_refused", "vm_hint_last_page_refused",
                       "vm_hint_at_user_end_refused", "vm_hint_2_63_refused",
                       "vm_size_zero_refused", "vm_size_all_ones_refused",
                       "vm_size_rounds_past_2_64_refused", "vm_size_last_page_refused",
                       "vm_size_larger_than_user_space_refused", "vm_fixed_near_2_64_refused",
                       "vm_fixed_wrapping_end_refused", "vm_fixed_past_user_end_refused",
                       "vm_fixed_at_user_end_refused", "vm_fixed_unaligned_refused",
                       "vm_fixed_null_refused", "vm_fixed_size_zero_refused",
                       "vm_fixed_size_wraps_refused", "vm_hint_last_user_page_falls_back",
                       "vm_hint_above_search_area_falls_back", "vm_hint_unaligned_rounded",
                       "vm_size_unaligned_rounded", "vm_fixed_ending_at_user_end",
                       "vm_free_wrapping_size_refused", "vm_free_near_2_64_refused",
                       "vm_free_at_user_end_refused", "vm_free_whole_allocation",
                       "mmio_wrapping_range_refused", "mmio_end_rounds_past_2_64_refused",
                       "mmio_all_ones_size_refused", "mmio_size_zero_refused",
                       "dma_size_all_ones_refused", "dma_size_zero_refused",
                       "pages_back_after_free", "pages_back_after_child_exit"],
    "test_mem": ["memcpy_all_lengths_and_alignments", "memmove_overlapping_both_ways",
                 "memset_all_lengths_and_alignments"],
    "test_spawn": ["spawn_unknown_program", "spawn_first", "spawn_second", "exit_statuses",
                   "pages_back_after_exit", "kobjects_back_after_exit",
                   "suspended_task_without_handle_ends"],
    "test_kill_waiting": ["child_exit_status", "threads_killed_while_blocked_leak_nothing"],
    "test_faults": ["fault_null_killed", "fault_kernel_killed", "fault_exec_killed",
                    "fault_undef_killed", "fault_stack_killed", "fault_write_ro_killed"],
}


@pytest.mark.parametrize("program", sorted(CHECKS))
def test_program_checks_pass(boot, program):
    assert_checks(boot, program, CHECKS[program])


def test_two_tasks_print_concurrently(boot):
    _, _, text = run_program(boot, "test_spawn")
    lines = [l.strip() for l in text.splitlines() if re.fullmatch(r"[AB] \d+", l.strip())]
    assert len([l for l in lines if l.startswith("A")]) >= 10
    assert len([l for l in lines if l.startswith("B")]) >= 10
    # Interleaved, not one after the other: B prints before A's last line.
    first_b = next(i for i, l in enumerate(lines) if l.startswith("B"))
    last_a = max(i for i, l in enumerate(lines) if l.startswith("A"))
    assert first_b < last_a


def test_spinning_task_does_not_starve_others(boot):
    _, _, text = run_program(boot, "test_spin")
    ticks = re.findall(r"test_spin: tick (\d) \(spinner at (\d+)\)", text)
    assert [t for t, _ in ticks] == ["1", "2", "3", "4", "5"]
    counts = [int(c) for _, c in ticks]
    assert counts == sorted(counts) and counts[0] < counts[-1]   # the spinner ran meanwhile


def test_each_fault_kills_only_the_faulting_task(boot):
    status, results, text = run_program(boot, "test_faults")
    kinds = {
        "null": r"access to unmapped memory at 0x0,",
        "kernel": r"access to kernel memory at 0xffffff80",
        "exec": r"execution of non-executable memory",
        "undef": r"undefined instruction",
        "write_ro": r"write to read-only memory",
    }
    for kind, what in kinds.items():
        assert re.search(rf"fault: task fault_{kind}\S* \(pid \d+, tid \d+\): {what}.*pc 0x[0-9a-f]+; "
                         r"task killed", text), f"no diagnostic line for the {kind} fault"
    # The stack kind: a misaligned SP faults on hardware; QEMU does not check SP
    # alignment, so the program then runs into its stack guard page.
    assert re.search(r"fault: task fault_stack\S* .*(misaligned stack pointer|unmapped memory)", text)
    assert status == 0 and "KERNEL PANIC" not in text
