/*
 * __kos_start: the C half of crt0. Order matters: TLS first (errno and the
 * thread descriptor live there, and every lock needs the descriptor), then
 * the C library, then constructors, then main; its return goes to exit(),
 * which runs atexit handlers and destructors (stdio flush) and ends the task.
 */
#include <kos/startup.h>
#include <picotls.h>
#include <stdlib.h>
#include <string.h>
#include "libkos_internal.h"

extern char __tls_main_block[];         /* ld/user.ld: the main thread's TLS block */
extern void __libc_init_array(void);
extern int main(int argc, char **argv, char **envp);

static const struct KosStartupInfo *startup_info;

const struct KosStartupInfo *KosGetStartupInfo(void)
{
    return startup_info;
}

Handle KosStartupHandleFind(const char *name, uint32_t role)
{
    const struct KosStartupInfo *si = startup_info;
    for (uint32_t i = 0; si && name && i < si->nhandles; i++)
        if (si->handles[i].role == role &&
            strncmp(si->handles[i].name, name, sizeof(si->handles[i].name)) == 0)
            return si->handles[i].handle;
    return INVALID_HANDLE;
}

/* Accepts the block only if it is one this library understands. */
static const struct KosStartupInfo *check_startup(const struct KosStartupInfo *si)
{
    if (!si || ((uintptr_t)si & 7) || si->magic != KOS_STARTUP_MAGIC ||
        si->version != KOS_STARTUP_VERSION || si->size < sizeof(*si) ||
        si->nhandles > KOS_STARTUP_HANDLES)
        return NULL;
    return si;
}

__attribute__((noreturn, used)) void __kos_start(int argc, char **argv, char **envp,
                                                 const struct KosStartupInfo *si)
{
    _init_tls(__tls_main_block);
    _set_tls(__tls_main_block);
    kos_thread_init_main();
    startup_info = check_startup(si);
    kos_libc_init(envp);
    __libc_init_array();
    exit(main(argc, argv, envp));
}
