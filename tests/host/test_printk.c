/* Host test of the kernel's vsnprintf and the klog ring buffer. */
#include <kernel/printk.h>
#include <string.h>
#include "check.h"

static char out[64];
static size_t outn;
static void sink(char c) { if (outn < sizeof(out) - 1) out[outn++] = c; }

int main(void)
{
    char b[64];
    snprintf(b, sizeof b, "%d %u %x %#llx %s %c %5d|%-4d|%04x", -42, 7u, 255u, 0x1234ULL, "hi", 'z', 3, 9, 0xab);
    CHECK(strcmp(b, "-42 7 ff 0x1234 hi z     3|9   |00ab") == 0);
    CHECK_EQ(snprintf(b, 8, "%s", "truncate me"), 11);   /* returns the full length */
    CHECK(strcmp(b, "truncat") == 0);
    snprintf(b, sizeof b, "%s %zu %ld", (char *)0, (size_t)5, -9L);
    CHECK(strcmp(b, "(null) 5 -9") == 0);
    snprintf(b, sizeof b, "%q%");
    CHECK(strcmp(b, "%q%") == 0);                        /* unknown conversions verbatim */

    printk("early %d\n", 1);                             /* before a console: kept in klog */
    console_register(sink);
    CHECK(strcmp(out, "early 1\r\n") == 0);
    for (int i = 0; i < 2000; i++)
        printk("line %d\n", i);
    char tail[32];
    klog_read(tail, sizeof tail);
    CHECK(strstr(tail, "line 1999\n") != NULL);
    CHECK_DONE();
}
