/* Kernel command line storage and lookup; the line is copied and bounded.
 * Words after a lone "--" are not the kernel's: they are the first task's
 * arguments (as on Linux), e.g. "init=fuzz -- calls=200000 seed=1". */
#include <kernel/bootargs.h>
#include <kernel/lib.h>

static char cmdline[256];

void bootargs_set(const char *s, size_t len)
{
    size_t n = strnlen(s, len);
    if (n >= sizeof(cmdline))
        n = sizeof(cmdline) - 1;
    memcpy(cmdline, s, n);
    cmdline[n] = '\0';
}

const char *bootargs_get(void) { return cmdline; }

bool bootarg(const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    for (const char *p = cmdline; *p;) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen == 2 && w[0] == '-' && w[1] == '-')
            break;                            /* the first task's arguments follow */
        if (wlen >= klen && strncmp(w, key, klen) == 0 && (wlen == klen || w[klen] == '=')) {
            const char *v = wlen == klen ? w + klen : w + klen + 1;
            size_t vlen = (size_t)(p - v);
            if (size) {
                size_t n = vlen < size - 1 ? vlen : size - 1;
                memcpy(buf, v, n);
                buf[n] = '\0';
            }
            return true;
        }
    }
    return false;
}

bool bootarg_is(const char *key, const char *value)
{
    char v[64];
    return bootarg(key, v, sizeof(v)) && strcmp(v, value) == 0;
}

int bootargs_init_argv(const char **argv, int max)
{
    static char words[sizeof(cmdline)];
    const char *p = cmdline;
    for (;;) {                                /* find the lone "--" */
        while (*p == ' ')
            p++;
        if (!*p)
            return 0;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        if (p - w == 2 && w[0] == '-' && w[1] == '-')
            break;
    }
    memcpy(words, p, strlen(p) + 1);
    int n = 0;
    for (char *q = words; *q && n < max;) {
        while (*q == ' ')
            *q++ = '\0';
        if (!*q)
            break;
        argv[n++] = q;
        while (*q && *q != ' ')
            q++;
    }
    return n;
}
