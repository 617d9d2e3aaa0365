/*
 * Host runner of PAL policy tests (tools/psl/pal_run.py): the kernel's
 * security engine (every C file of kernel/security) over the solution's generated tables
 * (policy.c), built for the host with ASan/UBSan. It knows nothing of PSL:
 * the Python side turns each test case into one query line on stdin and
 * compares the answers. One process runs one test: the module's state starts
 * from its initial values for every test (PAL rolls back between tests).
 *
 * Queries (subjects: class id | SID << 32, resolved by the Python side; a
 * task a test started has the SID the kernel would give it):
 *   x SRC DST                                        execute
 *   q EVENT SRC DST RIID MID SIZE ARENA NHANDLES HEX [ARENAHEX]
 *                                                    request|response|error|security
 * A decision that reads the arena's contents (SEC_R_NEEDS_ARENA without it)
 * is asked again with ARENAHEX, as the kernel does with its copy.
 * Answers, one line each:
 *   granted
 *   denied <reason code> <reason text>[ | <origin>]
 * <origin> is the binding of the deciding rule (sec_reason_origin), when known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "security/sec_engine.h"

extern const struct sec_tables sec_policy;

static enum sec_event event(const char *s)
{
    if (!strcmp(s, "request"))
        return SEC_EV_REQUEST;
    if (!strcmp(s, "response"))
        return SEC_EV_RESPONSE;
    if (!strcmp(s, "error"))
        return SEC_EV_ERROR;
    if (!strcmp(s, "security"))
        return SEC_EV_SECURITY;
    return SEC_EV_EXECUTE;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (!strcmp(hex, "-"))
        return 0;
    for (; hex[2 * n] && hex[2 * n + 1] && n < cap; n++) {
        int hi = hexval(hex[2 * n]), lo = hexval(hex[2 * n + 1]);
        if (hi < 0 || lo < 0)
            break;
        out[n] = (uint8_t)(hi * 16 + lo);
    }
    return n;
}

int main(void)
{
    static char line[210000];
    static uint8_t data[32768], arena_data[65536];
    if (!sec_tables_check(&sec_policy)) { /* as the kernel at boot */
        printf("bad tables\n");
        return 2;
    }
    while (fgets(line, sizeof line, stdin)) {
        static char ev[32], hex[65600], ahex[140000];
        unsigned long long src, dst; /* subjects: class id | SID << 32 */
        unsigned riid, mid, size, arena, nh;
        struct sec_result r;
        ahex[0] = 0;
        if (sscanf(line, "x %llu %llu", &src, &dst) == 2) {
            sec_decide_execute(&sec_policy, src, dst, &r);
        } else if (sscanf(line, "q %31s %llu %llu %u %u %u %u %u %65599s %139999s", ev, &src, &dst,
                          &riid, &mid, &size, &arena, &nh, hex, ahex) >= 9) {
            size_t n = unhex(hex, data, sizeof data);
            size_t an = unhex(ahex, arena_data, sizeof arena_data);
            if (size != n) {
                printf("bad query: size %u, %zu data bytes\n", size, n);
                return 2;
            }
            uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
            if (!copy)
                return 2;
            memcpy(copy, data, n);
            struct sec_message m = {riid, mid, size, arena, nh, copy, NULL, NULL};
            sec_decide_ipc(&sec_policy, event(ev), src, dst, &m, &r);
            if (!r.granted && r.code == SEC_R_NEEDS_ARENA) {
                /* the kernel's second step: the same decision on its copy of the arena */
                uint8_t *acopy = malloc(an ? an : 1); /* exact size: ASan sees overreads */
                if (!acopy || an != arena) {
                    printf("bad query: arena %u, %zu arena bytes\n", arena, an);
                    return 2;
                }
                memcpy(acopy, arena_data, an);
                m.arena = acopy;
                sec_decide_ipc(&sec_policy, event(ev), src, dst, &m, &r);
                free(acopy);
            }
            free(copy);
        } else {
            printf("bad query\n");
            return 2;
        }
        if (r.granted) {
            printf("granted\n");
        } else {
            const char *origin = sec_reason_origin(&sec_policy, r.reason);
            printf("denied %s %s%s%s\n", sec_reason_name(r.code), r.reason ? r.reason : "?",
                   origin ? " | " : "", origin ? origin : "");
        }
        fflush(stdout);
    }
    return 0;
}
