"""ReplyRecvRelease's word (docs/ABI.md, "ReplyRecvRelease"):
tests/guest/kernel/test_ipc_release.c. The kernel stores 0 into the server's
word and wakes its FutexWait-ers on every outcome of the reply (no request
held, reply copied, client died, reply too big for the client, reply
malformed); a misaligned or kernel-space word is rcInvalidArgument with nothing
done; a word on an unmapped page is ignored. On one core and four, with the IPC
fast path on and off (with it on, the second copied reply takes it)."""
import pytest

from programs import assert_reported_ok

SERVER = ["released_without_request", "released_when_client_died",
          "released_after_reply_copied", "released_after_reply_copied_again",
          "released_when_reply_too_big",
          "released_when_reply_malformed", "bad_word_refused_nothing_done",
          "unmapped_word_ignored"]
CLIENT = ["reply_arena_received", "reply_arena_received_again", "small_arena_rcBufferTooSmall",
          "answered_after_malformed_reply", "answered_after_bad_words", "end_answered"]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("fastpath", ["on", "off"])
def test_release_word_cleared_on_every_outcome(boot, smp, fastpath):
    args = "init=test_ipc_release" + (" ipc_fastpath=off" if fastpath == "off" else "")
    con = boot(smp=smp, bootargs=args)
    con.expect(r"test_ipc_release: done \((\d+) failures?\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    assert_reported_ok(con.text, SERVER + CLIENT + ["victim_died_server_and_client_pass"])
