/*
 * lwIP operating-system layer on libkos (docs/NET.md): semaphores are
 * libkos's futex-based KosSemaphore, mutexes and SYS_ARCH_PROTECT the
 * port's net_mutex (netlock.h: the same futex protocol, cheaper to take),
 * mailboxes a ring under a KosMutex with two KosCondvars, threads
 * KosThreadCreate.
 */
#ifndef KOS_LWIP_ARCH_SYS_ARCH_H
#define KOS_LWIP_ARCH_SYS_ARCH_H

#include <kos/condvar.h>
#include <kos/mutex.h>
#include <kos/semaphore.h>
#include <kos/thread.h>
#include "netlock.h"

typedef struct sys_sem {
    KosSemaphore sem;
    int valid;
} sys_sem_t;

typedef struct sys_mutex {
    struct net_mutex mutex;
    int valid;
} sys_mutex_t;

struct sys_mbox_ring;
typedef struct sys_mbox_ring *sys_mbox_t;

typedef Tid sys_thread_t;
typedef int sys_prot_t;

/* SYS_ARCH_PROTECT: one recursive net_mutex for all of lwIP's short critical
 * sections (pools, pbuf reference counts), taken inline. */
extern struct net_mutex net_prot_lock;
#define SYS_ARCH_DECL_PROTECT(lev)      sys_prot_t lev
#define SYS_ARCH_PROTECT(lev)           do { (lev) = 0; net_mutex_lock(&net_prot_lock); } while (0)
#define SYS_ARCH_UNPROTECT(lev)         do { (void)(lev); net_mutex_unlock(&net_prot_lock); } while (0)

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL  NULL

/* A per-thread semaphore for blocking netconn calls (LWIP_NETCONN_SEM_PER_THREAD). */
sys_sem_t *sys_arch_netconn_sem_get(void);
void sys_arch_netconn_sem_alloc(void);
void sys_arch_netconn_sem_free(void);
#define LWIP_NETCONN_THREAD_SEM_GET()   sys_arch_netconn_sem_get()
#define LWIP_NETCONN_THREAD_SEM_ALLOC() sys_arch_netconn_sem_alloc()
#define LWIP_NETCONN_THREAD_SEM_FREE()  sys_arch_netconn_sem_free()

#endif
