/*
 * sock_table.c: the socket service's per-client socket tables (sock_table.h),
 * one array of SOCKS_PER_CLIENT per slot of VfsFsnet's client table, under
 * one lock. lwIP's sockets are closed outside it.
 *
 * Closing a socket another worker is using (a client thread blocked in recv
 * while another closes): the socket leaves the client's table at once; lwIP's
 * socket is closed when the last in-flight call returns (as Linux, close does
 * not interrupt a blocked recv). Release and "client gone" also shut busy
 * sockets down, which wakes their blocked calls. A socket holds its
 * client's slot until lwIP's socket is closed, so a slot is never reused
 * while one of its sockets is still closing.
 */
#include <errno.h>
#include <lwip/sockets.h>
#include <kos/mutex.h>
#include "../clients.h"
#include "sock_table.h"
#include "sockets.h"

static KosMutex tab_lock = KOS_MUTEX_INITIALIZER;
static struct nsock socks[CLIENTS_MAX][SOCKS_PER_CLIENT];
static uint32_t badges[CLIENTS_MAX];        /* the client of each slot with sockets */
static int nsocks[CLIENTS_MAX];             /* its sockets, closing ones included */
static bool tab_ready;

static void tab_init_locked(void)
{
    if (tab_ready)
        return;
    for (int c = 0; c < CLIENTS_MAX; c++)
        for (int i = 0; i < SOCKS_PER_CLIENT; i++)
            socks[c][i].lwfd = -1;
    tab_ready = true;
}

static int slot_of(const struct nsock *s)
{
    return (int)((s - &socks[0][0]) / SOCKS_PER_CLIENT);
}

/* The slot of the client behind `badge` when it has sockets, else -1. Under tab_lock. */
static int slot_locked(uint32_t badge)
{
    tab_init_locked();
    for (int c = 0; c < CLIENTS_MAX; c++)
        if (badges[c] == badge && nsocks[c] > 0)
            return c;
    return -1;
}

/* Empties socket s (its lwIP socket is the caller's to close) and drops its hold
 * on the client's slot. Under tab_lock. */
static int take_locked(struct nsock *s)
{
    int fd = s->lwfd;
    s->lwfd = -1;
    s->closing = false;
    s->nonblock = false;
    int slot = slot_of(s);
    if (--nsocks[slot] == 0)
        badges[slot] = 0;
    client_unhold(slot);
    return fd;
}

struct nsock *sock_get(uint32_t badge, int32_t id, int64_t *err)
{
    struct nsock *s = NULL;
    KosMutexLock(&tab_lock);
    int slot = slot_locked(badge);
    if (slot >= 0 && id >= 0 && id < SOCKS_PER_CLIENT && socks[slot][id].lwfd >= 0 &&
        !socks[slot][id].closing) {
        s = &socks[slot][id];
        s->users++;
    }
    KosMutexUnlock(&tab_lock);
    if (!s)
        *err = -EBADF;
    return s;
}

void sock_put(struct nsock *s)
{
    int fd = -1;
    KosMutexLock(&tab_lock);
    if (--s->users == 0 && s->closing)
        fd = take_locked(s);
    KosMutexUnlock(&tab_lock);
    if (fd >= 0)
        lwip_close(fd);
}

int64_t sock_install(uint32_t badge, int lwfd, bool nonblock)
{
    int id = -1;
    KosMutexLock(&tab_lock);
    int slot = slot_locked(badge), entered = -1;
    if (slot < 0)                   /* its first socket: a slot in the client table */
        slot = entered = client_enter(badge);
    if (slot >= 0) {
        for (int i = 0; i < SOCKS_PER_CLIENT; i++) {
            struct nsock *s = &socks[slot][i];
            if (s->lwfd < 0 && s->users == 0) {
                if (client_hold(slot)) {
                    s->lwfd = lwfd;
                    s->closing = false;
                    s->nonblock = nonblock;
                    badges[slot] = badge;
                    nsocks[slot]++;
                    id = i;
                }
                break;
            }
        }
    }
    client_leave(entered);          /* the hold keeps the slot */
    KosMutexUnlock(&tab_lock);
    if (id < 0) {
        lwip_close(lwfd);
        return -EMFILE;
    }
    return id;
}

/* Takes socket s out of its table: closes it now when idle (returns the lwIP
 * socket for the caller to close), else marks it for its last user (and with
 * `wake`, shuts it down so blocked calls return) and returns -1. Under tab_lock. */
static int close_locked(struct nsock *s, bool wake)
{
    if (s->lwfd < 0 || s->closing)
        return -1;
    if (s->users == 0)
        return take_locked(s);
    s->closing = true;
    if (wake)
        lwip_shutdown(s->lwfd, SHUT_RDWR);
    return -1;
}

int64_t sock_close(uint32_t badge, int32_t id)
{
    int fd = -1;
    int64_t r = -EBADF;
    KosMutexLock(&tab_lock);
    int slot = slot_locked(badge);
    if (slot >= 0 && id >= 0 && id < SOCKS_PER_CLIENT) {
        struct nsock *s = &socks[slot][id];
        if (s->lwfd >= 0 && !s->closing) {
            fd = close_locked(s, false);
            r = 0;
        }
    }
    KosMutexUnlock(&tab_lock);
    if (fd >= 0)
        lwip_close(fd);
    return r;
}

/* Closes every socket of `slot`, or with by_badge of the client behind `badge`. */
static void close_all(int slot, bool by_badge, uint32_t badge)
{
    int fds[SOCKS_PER_CLIENT], n = 0;
    KosMutexLock(&tab_lock);
    tab_init_locked();
    if (by_badge)
        slot = slot_locked(badge);
    for (int i = 0; slot >= 0 && i < SOCKS_PER_CLIENT; i++) {
        int fd = close_locked(&socks[slot][i], true);
        if (fd >= 0)
            fds[n++] = fd;
    }
    KosMutexUnlock(&tab_lock);
    for (int i = 0; i < n; i++)
        lwip_close(fds[i]);
}

void sock_close_all(uint32_t badge)
{
    close_all(-1, true, badge);
}

void sockets_client_gone(int slot)
{
    if (slot >= 0)
        close_all(slot, false, 0);
}

int sockets_count(void)
{
    int n = 0;
    KosMutexLock(&tab_lock);
    tab_init_locked();
    for (int c = 0; c < CLIENTS_MAX; c++)
        for (int i = 0; i < SOCKS_PER_CLIENT; i++)
            n += socks[c][i].lwfd >= 0;
    KosMutexUnlock(&tab_lock);
    return n;
}
