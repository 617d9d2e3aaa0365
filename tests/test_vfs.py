"""VfsFsnet and libvfs on the console (docs/VFS.md, "Server and client").

Each test boots one launcher of tests/guest/vfs as the first task: it
starts VfsFsnet and its client(s), connects them, waits for the clients and
checks that VfsFsnet is still running. Every check named below must appear
and pass, and the launcher must exit with status 0.
"""
import re

import pytest

import boards
from programs import assert_checks, assert_reported_ok

PROGRAMS_LIST = boards.VIRT_KERNEL.parent / "user/programs.list"
LAUNCH = ["create_VfsFsnet", "start_VfsFsnet", "VfsFsnet_still_running"]

CHECKS = {
    "test_vfs_posix_run": LAUNCH + [
        "test_vfs_posix_status", "channel_found", "table_open_ENOENT", "table_open_EEXIST",
        "table_open_EISDIR", "table_open_ENOTDIR", "table_rmdir_ENOTEMPTY", "table_close_EBADF",
        "table_open_EINVAL_accmode", "table_open_ENAMETOOLONG_path",
        "table_open_ENAMETOOLONG_name", "table_open_EROFS_create", "table_rename_EXDEV",
        "contents_pread", "contents_append_lands_at_end", "contents_unlinked_open_file",
        "stdio_fgets_lines", "stdio_stdout_is_console", "dir_readdir_all", "dir_seekdir",
        "cwd_relative_open", "romfs_read", "romfs_fstab_from_romfs", "emfile",
        "emfile_recovers", "enospc_short_write", "enospc_ENOSPC", "enospc_data_intact",
        "enospc_other_file_intact", "enospc_space_back", "big_write_1MiB", "big_checksum",
        "big_checksum_odd_reads", "big_pread_random", "release_closed_remote_fds",
    ],
    "test_vfs_hostile_run": LAUNCH + [
        "test_vfs_hostile_status", "bad_sizes_error_replies", "unknown_methods_refused",
        "unknown_endpoints_refused", "forged_disconnect_refused", "bad_arena_descriptors_refused",
        "write_longer_than_arena_refused", "write_64KiB_accepted", "bad_fds_EBADF",
        "read_4GiB_count_capped", "value_pwrite_at_int64_max", "reply_too_big_for_client",
        "reply_arena_too_big_for_client", "unwanted_handles_dropped", "fuzz_all_answered",
        "fuzz_replies_well_formed", "still_works_after_fuzz",
    ],
    "test_vfs_big_run": LAUNCH + [
        "test_vfs_big_status", "threshold_sizes_content", "pwrite_pread_offsets",
        "read_into_unmapped_EFAULT", "write_from_unmapped_EFAULT", "read_into_readonly_EFAULT",
        "read_outside_user_space_EFAULT", "read_over_readonly_page_mid_buffer_EFAULT",
        "write_over_hole_mid_buffer_EFAULT", "file_intact_after_hostile",
        "still_writes_after_hostile", "thousand_calls_pages_back",
    ],
    # 80 clients that vanish without Release, more than VfsFsnet's 64 slots: the kernel's
    # disconnect notices must free them.
    "test_vfs_gone_run": ["create_VfsFsnet", "vanished_clients_forgotten", "VfsFsnet_still_running"],
    # Clients that end in the middle of large window copies: VfsFsnet lives on and keeps
    # no page or kernel object of them.
    "test_vfs_kill_run": ["create_VfsFsnet", "warm_up", "victims_ended_mid_copy",
                          "after_kills_round_trip", "after_kills_unlink",
                          "check_client_after_kills", "nothing_kept_of_victims",
                          "VfsFsnet_still_running"],
    # Per-task memory limits: a task at its limit (test_vfs_hog) leaves the others working; a
    # ramfs at its size= gives ENOSPC and the space back; "/" stops at VfsFsnet's limit.
    "test_vfs_limits_run": LAUNCH + [
        "vfs_hog_status", "vfs_limits_status", "hog_limit_is_the_launchers", "hog_malloc_ENOMEM",
        "hog_vmallocate_refused", "hog_thread_refused", "hog_at_its_limit", "hog_released", "hog_malloc_after_free",
        "hog_is_full", "others_create_and_write", "others_read_back", "small_ENOSPC",
        "small_full_refuses_more", "small_space_back", "root_ENOSPC_at_server_limit",
        "machine_not_full", "root_space_back", "root_pages_back",
    ],
    "test_vfs_two_run": LAUNCH + ["vfs_two_a_status", "vfs_two_b_status"] + [
        f"{c}_{name}" for c in "AB" for name in (
            "channel_from_env", "own_descriptor_numbers", "descriptors_read_own_data",
            "other_descriptors_not_visible", "own_cwd", "shared_namespace", "big_checksum",
            "log_records_intact", "clients_ran_concurrently")
    ],
}

pytestmark = [pytest.mark.qemu_only, pytest.mark.boards("virt")]


@pytest.fixture(autouse=True)
def _vfs_programs_built():
    if PROGRAMS_LIST.exists() and "VfsFsnet" not in PROGRAMS_LIST.read_text().split():
        pytest.skip("VfsFsnet is not in the boot image (userland/vfs/vfs.mk not included)")


@pytest.mark.parametrize("launcher", sorted(CHECKS))
def test_vfs_scenario(boot, launcher):
    text = assert_checks(boot, launcher, CHECKS[launcher], timeout=300)
    if launcher == "test_vfs_posix_run":
        m = re.search(r"a 1 MiB write into the 256 KiB ramfs stored (\d+) bytes", text)
        assert m and 0 < int(m.group(1)) <= 256 * 1024


SPACE_CHECKS = LAUNCH + ["test_vfs_space_status", "warm_up", "heap_bounded"] + [
    f"round{r}_{name}" for r in range(3) for name in (
        "ENOSPC", "machine_full", "unlink", "two_bytes_after_unlink", "pages_back", "same_space")
]


def test_ramfs_fill_unlink_gives_every_page_back(boot):
    """VfsFsnet without a memory limit fills the machine (the kernel's free pages reach 0);
    after each unlink a 2-byte write works and the free pages are back (docs/VFS.md,
    "Where the space goes"), three times in a row."""
    con = boot(bootargs="init=test_vfs_space_run", mem="96M")
    con.expect(r"test_vfs_space_run: done \((\d+) failures?\)", timeout=300)
    status = con.read_until_exit(timeout=30)
    text = con.text
    assert_reported_ok(text, SPACE_CHECKS)
    assert status == 0
    rounds = re.findall(r"round \d stored (\d+) bytes; free pages: (\d+) at start, (\d+) "
                        r"when full, (\d+) after unlink", text)
    assert len(rounds) == 3
    for stored, start, full, back in rounds:
        # the heap may keep up to a page per MiB stored (tree nodes, slab records), no more
        assert int(full) < 64 and int(back) + int(stored) // 2**20 + 16 >= int(start)
        assert int(stored) > int(start) * 4096 // 2
