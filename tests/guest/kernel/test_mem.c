/*
 * test_mem: libkos's memcpy/memmove/memset (userland/lib/libc/mem.S) against
 * byte-at-a-time references, for every length 0..300 at every source and
 * destination alignment 0..15, overlapping moves both ways, and that no byte
 * outside the destination is touched (guard bytes around it).
 */
#include <stdint.h>
#include <string.h>
#include "../check.h"

#define MAXLEN 300
#define PAD    64

static unsigned char src[MAXLEN + 2 * PAD], dst[MAXLEN + 2 * PAD], ref[MAXLEN + 2 * PAD];

static void fill(unsigned char *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(seed * 131u + i * 7u + (i >> 3));
}

/* The references never use the functions under test. */
static void bytecopy(unsigned char *d, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((volatile unsigned char *)d)[i] = s[i];
}

/* The function under test through a volatile pointer, so the compiler cannot
 * inline or fold the call into its own builtin. */
static void *(*volatile copy_fn)(void *, const void *, size_t) = memcpy;
static void *(*volatile move_fn)(void *, const void *, size_t) = memmove;
static void *(*volatile set_fn)(void *, int, size_t) = memset;

int main(void)
{
    int bad = 0;
    char where[96] = "";
    for (size_t so = 0; so < 16; so++)
        for (size_t dof = 0; dof < 16; dof++)
            for (size_t n = 0; n <= MAXLEN; n++) {
                fill(src, sizeof src, (unsigned)(so + n));
                fill(dst, sizeof dst, 99);
                bytecopy(ref, dst, sizeof ref);
                for (size_t i = 0; i < n; i++)
                    ref[PAD + dof + i] = src[PAD + so + i];
                void *r = copy_fn(dst + PAD + dof, src + PAD + so, n);
                if ((r != dst + PAD + dof || memcmp(dst, ref, sizeof dst) != 0) && !bad++)
                    snprintf(where, sizeof where, "src+%zu dst+%zu n=%zu", so, dof, n);
            }
    CHECK("memcpy_all_lengths_and_alignments", bad == 0, "%d cases wrong, first %s", bad, where);

    /* Overlapping moves inside one buffer: distance -40..40, lengths 0..200. */
    bad = 0;
    for (int dist = -40; dist <= 40; dist++)
        for (size_t n = 0; n <= 200; n++) {
            fill(dst, sizeof dst, (unsigned)n);
            bytecopy(ref, dst, sizeof ref);
            size_t from = PAD + 20, to = (size_t)((int)from + dist);
            unsigned char tmp[MAXLEN];
            for (size_t i = 0; i < n; i++)
                tmp[i] = ref[from + i];
            for (size_t i = 0; i < n; i++)
                ref[to + i] = tmp[i];
            void *r = move_fn(dst + to, dst + from, n);
            if ((r != dst + to || memcmp(dst, ref, sizeof dst) != 0) && !bad++)
                snprintf(where, sizeof where, "distance %d n=%zu", dist, n);
        }
    CHECK("memmove_overlapping_both_ways", bad == 0, "%d cases wrong, first %s", bad, where);

    bad = 0;
    for (size_t dof = 0; dof < 16; dof++)
        for (size_t n = 0; n <= MAXLEN; n++) {
            int c = (int)(0x100 + n);           /* only the low byte counts */
            fill(dst, sizeof dst, 7);
            bytecopy(ref, dst, sizeof ref);
            for (size_t i = 0; i < n; i++)
                ref[PAD + dof + i] = (unsigned char)c;
            void *r = set_fn(dst + PAD + dof, c, n);
            if ((r != dst + PAD + dof || memcmp(dst, ref, sizeof dst) != 0) && !bad++)
                snprintf(where, sizeof where, "dst+%zu n=%zu", dof, n);
        }
    CHECK("memset_all_lengths_and_alignments", bad == 0, "%d cases wrong, first %s", bad, where);

    return check_done("test_mem");
}
