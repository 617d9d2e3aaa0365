/*
 * The standard streams. picolibc's tinystdio leaves stdin/stdout/stderr to
 * the platform: here they are buffered streams over descriptors 0, 1, 2
 * (read/write of fd.c), line buffered, each with a static recursive lock
 * (stdio_atomic.c holds it across a whole printf, and the per-character lock
 * of bufio is then the same lock again). A destructor flushes them when
 * exit() runs, after the atexit handlers.
 */
#include <stdio-bufio.h>
#include <stdio.h>
#include <unistd.h>
#include "libc_internal.h"

static char in_buf[128], out_buf[256], err_buf[256];

static struct __file_bufio in_file =
    FDEV_SETUP_BUFIO(0, in_buf, sizeof(in_buf), read, write, lseek, close, __SRD, 0);
static struct __file_bufio out_file =
    FDEV_SETUP_BUFIO(1, out_buf, sizeof(out_buf), read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio err_file =
    FDEV_SETUP_BUFIO(2, err_buf, sizeof(err_buf), read, write, lseek, close, __SWR, __BLBF);

static struct __lock in_lock = KOS_LOCK_STATIC_INITIALIZER(1);
static struct __lock out_lock = KOS_LOCK_STATIC_INITIALIZER(1);
static struct __lock err_lock = KOS_LOCK_STATIC_INITIALIZER(1);

FILE *const stdin = &in_file.xfile.cfile.file;
FILE *const stdout = &out_file.xfile.cfile.file;
FILE *const stderr = &err_file.xfile.cfile.file;

void kos_stdio_init(void)
{
    in_file.lock = &in_lock;
    out_file.lock = &out_lock;
    err_file.lock = &err_lock;
}

__attribute__((destructor)) static void flush_standard_streams(void)
{
    fflush(stdout);
    fflush(stderr);
}
