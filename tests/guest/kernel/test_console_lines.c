/*
 * test_console_lines: threads on every core print many lines at once, each
 * line through a different stdio call (printf, fprintf, puts, fputs, fwrite)
 * or one raw write(); no line may be split by another thread's output
 * (tests/test_console_lines.py parses every "cl " line and counts them). The
 * stdio calls hold the stream's lock for the whole call
 * (userland/lib/libc/stdio_atomic.c); a write() is one DebugWrite, which the
 * kernel prints under its big lock. Each thread is pinned to core i % cores so
 * the writers are on different cores even when the scheduler would not
 * spread them.
 */
#include <kos/thread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../check.h"

#define THREADS 8
#define LINES 48

/* "cl t<t> n<n> k<kind> <pad> end": the pad makes lines long (about 120
 * characters) so a split would be likely without the locks. */
static const char pad[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "abcdefghijklmnopqrstuvwxyz0123456789";

static int writer(void *arg)
{
    int t = (int)(uintptr_t)arg;
    char line[200];
    for (int n = 0; n < LINES; n++) {
        int kind = (n + t) % 6;
        int len = snprintf(line, sizeof(line), "cl t%d n%d k%d %s end\n", t, n, kind, pad);
        switch (kind) {
        case 0:
            printf("cl t%d n%d k%d %s end\n", t, n, kind, pad);
            break;
        case 1:
            fprintf(stdout, "cl t%d n%d k%d %s %s\n", t, n, kind, pad, "end");
            break;
        case 2:
            line[len - 1] = '\0';
            puts(line);
            break;
        case 3:
            fputs(line, stdout);
            break;
        case 4:
            fwrite(line, 1, (size_t)len, stdout);
            break;
        default:
            fflush(stdout);                   /* this thread's earlier lines first */
            write(1, line, (size_t)len);
            break;
        }
        if (n % 8 == 0)
            KosThreadYield();
    }
    fflush(stdout);
    return 0;
}

int main(void)
{
    uint32_t online = KosCpuOnlineMask();
    unsigned cores = (unsigned)__builtin_popcount(online);
    printf("test_console_lines: %u core(s), %d threads x %d lines\n", cores, THREADS, LINES);
    Tid t[THREADS];
    int created = 0, pinned = 1;
    for (int i = 0; i < THREADS; i++) {
        if (KosThreadCreate(&t[created], ThreadPriorityNormal, 0, writer, (void *)(uintptr_t)i, 1) !=
            rcOk)
            continue;
        unsigned core = (unsigned)i % cores;          /* online cores are 0..cores-1 here */
        pinned &= KosThreadSetAffinity(t[created], 1u << core) == rcOk;
        KosThreadResume(t[created]);
        created++;
    }
    for (int i = 0; i < created; i++)
        KosThreadWait(t[i], KOS_INFINITE_TIMEOUT);
    CHECK("console_writers_created", created == THREADS && pinned, "%d threads, pinned %d", created,
          pinned);
    printf("test_console_lines: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
