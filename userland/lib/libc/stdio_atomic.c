/*
 * One stdio call, one unit: picolibc 1.8's tinystdio takes a buffered
 * stream's lock once per character (__bufio_put), so two threads' printf
 * lines could interleave character by character. The link wraps the calls
 * that write more than one character (USER_LDFLAGS: --wrap=vfprintf, fputs,
 * puts, fwrite; printf, fprintf, vprintf and perror all end in vfprintf, and
 * GCC turns constant printfs into puts/fwrite/fputc) so that each holds the
 * stream's lock for the whole call. The per-character lock inside is the same
 * lock taken again: stream locks are recursive (locks.c, stdio.c). fputc and
 * putc write one character under bufio's own lock already.
 *
 * Only bufio streams carry a lock; a string stream (snprintf's) or a
 * user-made fdevopen stream is passed through untouched.
 */
#include <stdarg.h>
#include <stdio-bufio.h>
#include <stdio.h>

int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_fputs(const char *s, FILE *f);
int __real_puts(const char *s);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap);
int __wrap_fputs(const char *s, FILE *f);
int __wrap_puts(const char *s);
size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f);

/* The stream's lock, or NULL when it has none (not a bufio stream). */
static _LOCK_T stream_lock(FILE *f)
{
    if (!f || f->put != __bufio_put)
        return NULL;
    return ((struct __file_bufio *)f)->lock;
}

static _LOCK_T hold(FILE *f)
{
    _LOCK_T l = stream_lock(f);
    if (l)
        __lock_acquire_recursive(l);
    return l;
}

static void let_go(_LOCK_T l)
{
    if (l)
        __lock_release_recursive(l);
}

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    _LOCK_T l = hold(f);
    int r = __real_vfprintf(f, fmt, ap);
    let_go(l);
    return r;
}

int __wrap_fputs(const char *s, FILE *f)
{
    _LOCK_T l = hold(f);
    int r = __real_fputs(s, f);
    let_go(l);
    return r;
}

int __wrap_puts(const char *s)
{
    _LOCK_T l = hold(stdout);
    int r = __real_puts(s);
    let_go(l);
    return r;
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    _LOCK_T l = hold(f);
    size_t r = __real_fwrite(p, size, n, f);
    let_go(l);
    return r;
}
