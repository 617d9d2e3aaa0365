/*
 * pthread.h: POSIX threads on libkos (kos/thread.h, kos/mutex.h,
 * kos/condvar.h, kos/rwlock.h), i.e. on the kernel's threads and futexes.
 * What is provided and what is not: docs/USERLAND.md "POSIX threads".
 * Functions return 0 or an errno value (they do not set errno).
 */
#ifndef PTHREAD_H
#define PTHREAD_H

#include <stddef.h>
#include <time.h>
#include <kos/sync_types.h>

typedef struct __pthread *pthread_t;

typedef struct {
    size_t stacksize;         /* 0: ThreadStackSizeDefault (64 KiB) */
    int detachstate;
} pthread_attr_t;
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#ifndef PTHREAD_STACK_MIN
#define PTHREAD_STACK_MIN (16u * 1024u)
#endif

typedef struct {
    KosMutex m;
    int type;
} pthread_mutex_t;
typedef struct {
    int type;
} pthread_mutexattr_t;
#define PTHREAD_MUTEX_NORMAL     0
#define PTHREAD_MUTEX_RECURSIVE  1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT    PTHREAD_MUTEX_NORMAL
#define PTHREAD_MUTEX_INITIALIZER { KOS_MUTEX_INITIALIZER, PTHREAD_MUTEX_NORMAL }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP \
    { KOS_MUTEX_RECURSIVE_INITIALIZER, PTHREAD_MUTEX_RECURSIVE }

typedef struct {
    KosCondvar cv;
    clockid_t clock;          /* of pthread_cond_timedwait's abstime */
} pthread_cond_t;
typedef struct {
    clockid_t clock;
} pthread_condattr_t;
#define PTHREAD_COND_INITIALIZER { KOS_CONDVAR_INITIALIZER, CLOCK_REALTIME }

typedef struct {
    KosRWLock rw;
    int init;
} pthread_rwlock_t;
typedef struct {
    int unused;
} pthread_rwlockattr_t;
#define PTHREAD_RWLOCK_INITIALIZER { { KOS_MUTEX_INITIALIZER, KOS_CONDVAR_INITIALIZER, \
                                       KOS_CONDVAR_INITIALIZER, 0, 0, 0 }, 1 }

typedef unsigned int pthread_key_t;
#define PTHREAD_KEYS_MAX 32
#define PTHREAD_DESTRUCTOR_ITERATIONS 4

typedef unsigned int pthread_once_t;
#define PTHREAD_ONCE_INIT 0u

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **retval);
int pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
__attribute__((noreturn)) void pthread_exit(void *retval);
int pthread_once(pthread_once_t *once, void (*init)(void));
int pthread_yield(void);
int sched_yield(void);       /* (sched.h in POSIX; picolibc leaves it out here) */

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int pthread_rwlock_destroy(pthread_rwlock_t *rw);
int pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int pthread_rwlock_unlock(pthread_rwlock_t *rw);

#endif
