/*
 * clients.c: VfsFsnet's table of client processes (clients.h). One lock,
 * held only to find, count and free slots; the services' state is theirs.
 */
#include <stddef.h>
#include <kos/mutex.h>
#include "clients.h"

static struct {
    uint32_t badge;                 /* 0: free slot */
    bool gone;                      /* the kernel said the client is gone */
    int requests;                   /* requests in flight (client_enter .. client_leave) */
    int holds;                      /* services' state kept for it */
} slots[CLIENTS_MAX];

static KosMutex lock = KOS_MUTEX_INITIALIZER;

/* Badges whose disconnect notice was handled (the kernel never reuses a badge,
 * kernel/ipc_channel.c). A request of such a client can still be on its way: a
 * worker took it before the notice, which another worker handled first and which
 * freed the slot. It must not start a new slot with live state (an open descriptor
 * that no notice would ever drop, and a file kept for good): it finds its slot gone.
 * The last GONE_MAX are kept; a request is never that late. */
#define GONE_MAX 64
static uint32_t gone_badges[GONE_MAX];
static unsigned gone_next;

static bool gone_locked(uint32_t badge)
{
    for (unsigned i = 0; i < GONE_MAX; i++)
        if (gone_badges[i] == badge)
            return true;
    return false;
}

/* Frees slot i when nothing holds it any more. Under the lock. */
static void maybe_free_locked(int i)
{
    if (slots[i].requests == 0 && slots[i].holds == 0) {
        slots[i].badge = 0;
        slots[i].gone = false;
    }
}

int client_enter(uint32_t badge)
{
    if (badge == 0)
        return -1;                  /* the kernel always sets one: cannot happen */
    int slot = -1, free_slot = -1;
    KosMutexLock(&lock);
    for (int i = 0; i < CLIENTS_MAX; i++) {
        if (slots[i].badge == badge) {
            slot = i;
            break;
        }
        if (slots[i].badge == 0 && free_slot < 0)
            free_slot = i;
    }
    if (slot < 0 && free_slot >= 0) {
        slot = free_slot;
        slots[slot].badge = badge;
        slots[slot].gone = gone_locked(badge);   /* then no service state: client_hold */
    }
    if (slot >= 0)
        slots[slot].requests++;
    KosMutexUnlock(&lock);
    return slot;
}

void client_leave(int slot)
{
    if (slot < 0)
        return;
    KosMutexLock(&lock);
    slots[slot].requests--;
    maybe_free_locked(slot);
    KosMutexUnlock(&lock);
}

bool client_hold(int slot)
{
    if (slot < 0)
        return false;
    KosMutexLock(&lock);
    bool ok = !slots[slot].gone;
    if (ok)
        slots[slot].holds++;
    KosMutexUnlock(&lock);
    return ok;
}

void client_unhold(int slot)
{
    KosMutexLock(&lock);
    slots[slot].holds--;
    maybe_free_locked(slot);
    KosMutexUnlock(&lock);
}

int client_disconnect(uint32_t badge)
{
    int slot = -1;
    if (badge == 0)
        return -1;
    KosMutexLock(&lock);
    gone_badges[gone_next++ % GONE_MAX] = badge;
    for (int i = 0; i < CLIENTS_MAX; i++) {
        if (slots[i].badge == badge) {
            slot = i;
            slots[i].gone = true;
            slots[i].requests++;
            break;
        }
    }
    KosMutexUnlock(&lock);
    return slot;
}

int clients_count(void)
{
    int n = 0;
    KosMutexLock(&lock);
    for (int i = 0; i < CLIENTS_MAX; i++)
        n += slots[i].badge != 0;
    KosMutexUnlock(&lock);
    return n;
}
