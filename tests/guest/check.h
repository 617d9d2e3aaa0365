/*
 * check.h: the output contract of the test programs, matched by the
 * console tests: one line per check, "CHECK <name>: ok" or
 * "CHECK <name>: FAIL <detail>", and last "<program>: done (N failures)";
 * the exit status is 0 only without failures. Checks run on one thread.
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <uapi/retcode.h>

static int check_failures;

__attribute__((format(printf, 2, 3), unused)) static void check_fail(const char *name,
                                                                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("CHECK %s: FAIL ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    check_failures++;
}

__attribute__((unused)) static void check_ok(const char *name)
{
    printf("CHECK %s: ok\n", name);
}

/* CHECK(name, condition, detail format, args...) */
#define CHECK(name, cond, ...)                                                 \
    do {                                                                       \
        if (cond)                                                              \
            check_ok(name);                                                    \
        else                                                                   \
            check_fail(name, __VA_ARGS__);                                     \
    } while (0)

/* CHECK_RC(name, expression, expected Retcode) */
#define CHECK_RC(name, expr, expected)                                         \
    do {                                                                       \
        Retcode check_rc_ = (expr);                                            \
        CHECK(name, check_rc_ == (expected), "%s returned %d, expected %d", #expr, \
              check_rc_, (int)(expected));                                     \
    } while (0)

__attribute__((unused)) static int check_done(const char *program)
{
    printf("%s: done (%d failures)\n", program, check_failures);
    return check_failures ? 1 : 0;
}

#endif
