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
 *   q EVENT SRC DST RIID MID SIZE ARENA NHANDLES HEX request|response|error|security
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

int main(void)
{
    static char line[70000];
    static uint8_t data[32768];
    if (!sec_tables_check(&sec_policy)) { /* as the kernel at boot */
        printf("bad tables\n");
        return 2;
    }
    while (fgets(line, sizeof line, stdin)) {
        char ev[32], hex[65600];
        unsigned long long src, dst; /* subjects: class id | SID << 32 */
        unsigned riid, mid, size, arena, nh;
        struct sec_result r;
        if (sscanf(line, "x %llu %llu", &src, &dst) == 2) {
            sec_decide_execute(&sec_policy, src, dst, &r);
        } else if (sscanf(line, "q %31s %llu %llu %u %u %u %u %u %65599s", ev, &src, &dst, &riid,
                          &mid, &size, &arena, &nh, hex) == 9) {
            size_t n = 0;
            if (strcmp(hex, "-") != 0)
                for (; hex[2 * n] && hex[2 * n + 1] && n < sizeof data; n++) {
                    int hi = hexval(hex[2 * n]), lo = hexval(hex[2 * n + 1]);
                    if (hi < 0 || lo < 0)
                        break;
                    data[n] = (uint8_t)(hi * 16 + lo);
                }
            if (size != n) {
                printf("bad query: size %u, %zu data bytes\n", size, n);
                return 2;
            }
            uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
            if (!copy)
                return 2;
            memcpy(copy, data, n);
            struct sec_message m = {riid, mid, size, arena, nh, copy};
            sec_decide_ipc(&sec_policy, event(ev), src, dst, &m, &r);
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
