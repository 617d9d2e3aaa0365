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
#include "sec_query.h"

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
            size_t n = sec_query_unhex(hex, data, sizeof data);
            size_t an = sec_query_unhex(ahex, arena_data, sizeof arena_data);
            if (size != n) {
                printf("bad query: size %u, %zu data bytes\n", size, n);
                return 2;
            }
            struct sec_message m = {riid, mid, size, arena, nh, NULL, NULL, NULL};
            if (sec_query_decide(sec_query_event(ev), src, dst, &m, data, arena_data, an, &r) != 0) {
                printf("bad query: arena %u, %zu arena bytes\n", arena, an);
                return 2;
            }
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
