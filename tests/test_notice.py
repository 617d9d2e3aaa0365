"""Notifications (kl.core.Notice) on the console: test_notice subscribes to a
task, a thread, user objects and a channel, also after they ended, and checks
coalescing, order, timeouts, DropAndWake, bad input and that nothing leaks."""
import functools

import pytest

import boards
from programs import assert_checks

CHECKS = [
    "create", "subscribe_task", "task_completed", "dead_task_event_at_once",
    "destroyed_after_close", "destroyed_object_subscription_ends", "thread_ended",
    "dead_thread_event_at_once", "user_events_coalesce", "user_object_destroyed",
    "events_in_order_count_max", "rest_on_next_get", "get_event_timeout", "drop_and_wake",
    "mask_zero_refused", "unknown_bits_refused", "not_a_notice_refused", "stale_object_refused",
    "system_event_on_user_object_refused", "user_event_on_other_object_refused",
    "unsubscribe_unknown", "count_max_zero_refused", "subscriptions_up_to_max",
    "subscription_quota", "no_events_for_unsubscribed_destruction", "close",
    "closed_notice_refused", "nothing_leaked",
    "channel_disconnected", "disconnected_channel_event_at_once", "client_checks_pass",
]


def test_notifications(boot):
    assert_checks(boot, "test_notice", CHECKS)


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_notifications_debug_kernel(boot):
    assert_checks(functools.partial(boot, kernel=boards.VIRT_KDEBUG_KERNEL), "test_notice", CHECKS)
