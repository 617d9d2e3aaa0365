/*
 * Host test of kernel/handle.c over the host-backed page allocator: a closed
 * handle value is never valid again, also after a slot has gone through every
 * one of its 8.4 M values (it then retires, the table shrinks by one, and
 * its old values stay refused); copies, revocation and teardown still work.
 */
#include <kernel/handle.h>
#include <kernel/object.h>
#include <kernel/panic.h>
#include <kernel/pmm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* A BUG_ON in the code under test ends the test with its message. */
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

#define MEM (8u << 20)
#define QUOTA 256

static int destroyed;
static void obj_destroy(struct kobject *o) { (void)o; destroyed++; }

static struct kobject obj;

static void test_first_values(void)
{
    struct handle_table ht;
    CHECK_EQ(handle_table_init(&ht, QUOTA), rcOk);
    Handle h;
    CHECK_EQ(handle_install(&ht, &obj, RIGHTS_ALL, NULL, &h), rcOk);
    CHECK_EQ(h, KERNEL_HANDLE);                    /* slot 1, generation 1 */
    struct cap *c;
    CHECK_EQ(handle_lookup(&ht, h, KOBJ_NONE, 0, &c), rcOk);
    CHECK_EQ(handle_close(&ht, h), rcOk);
    CHECK_EQ(handle_lookup(&ht, h, KOBJ_NONE, 0, &c), rcInvalidArgument);
    CHECK_EQ(handle_close(&ht, h), rcInvalidArgument);
    Handle h2;
    CHECK_EQ(handle_install(&ht, &obj, RIGHTS_ALL, NULL, &h2), rcOk);
    CHECK_EQ(h2, KERNEL_HANDLE + QUOTA + 1);        /* same slot, next lane */
    CHECK_EQ(handle_lookup(&ht, h, KOBJ_NONE, 0, &c), rcInvalidArgument);
    /* Forged: index 0, a multiple of the table size, bit 31, the next value. */
    CHECK_EQ(handle_lookup(&ht, 0, KOBJ_NONE, 0, &c), rcInvalidArgument);
    CHECK_EQ(handle_lookup(&ht, 0x10000u | (QUOTA + 1), KOBJ_NONE, 0, &c), rcInvalidArgument);
    CHECK_EQ(handle_lookup(&ht, h2 | 0x80000000u, KOBJ_NONE, 0, &c), rcInvalidArgument);
    CHECK_EQ(handle_lookup(&ht, h2 + QUOTA + 1, KOBJ_NONE, 0, &c), rcInvalidArgument);
    /* Copies and revocation: a revoked slot answers rcHandleRevoked, then its
     * value dies with the close. */
    Handle cp;
    CHECK_EQ(handle_derive(&ht, h2, RIGHT_COPY, 0, &ht, &cp), rcOk);
    CHECK_EQ(handle_revoke(&ht, h2), rcOk);
    CHECK_EQ(handle_lookup(&ht, cp, KOBJ_NONE, 0, &c), rcHandleRevoked);
    CHECK_EQ(handle_close(&ht, cp), rcOk);
    CHECK_EQ(handle_lookup(&ht, cp, KOBJ_NONE, 0, &c), rcInvalidArgument);
    handle_table_destroy(&ht);
    CHECK_EQ(obj.handles, 0);
}

/* Slot 1 (the lowest free slot, so every install takes it while nothing else
 * is held) cycled through all its values: each value larger than the last (so
 * none repeats), every closed one refused; then the slot retires and installs
 * go to slot 2. With quota 0xffff a slot has one lane (32,767 values: where
 * 15-bit generations used to wrap); with 4095, 16 lanes. (The default quota's
 * 8.4 M values per slot would take too long here.) */
static void test_slot_exhaustion(uint32_t quota, uint64_t lanes, int fill)
{
    struct handle_table ht;
    CHECK_EQ(handle_table_init(&ht, quota), rcOk);
    uint32_t nslots = quota + 1;
    Handle first, h = 0;
    CHECK_EQ(handle_install(&ht, &obj, RIGHTS_ALL, NULL, &first), rcOk);
    CHECK_EQ(first, KERNEL_HANDLE);
    CHECK_EQ(handle_close(&ht, first), rcOk);
    Handle prev = first;
    uint64_t cycles = 0;
    struct cap *c;
    int bad_order = 0, bad_stale = 0;
    for (;;) {
        CHECK_EQ(handle_install(&ht, &obj, RIGHTS_ALL, NULL, &h), rcOk);
        if ((h & 0xffffu) % nslots != 1)
            break;
        cycles++;
        bad_order += h <= prev || (h >> 31);
        bad_stale += handle_lookup(&ht, prev, KOBJ_NONE, 0, &c) != rcInvalidArgument;
        if (cycles == 32767 || cycles == 32768)     /* where 15-bit generations wrapped */
            CHECK_EQ(handle_lookup(&ht, first, KOBJ_NONE, 0, &c), rcInvalidArgument);
        CHECK_EQ(handle_close(&ht, h), rcOk);
        prev = h;
    }
    CHECK_EQ(cycles + 1, lanes * 0x7fff);           /* every value of slot 1, once */
    CHECK_EQ(bad_order, 0);
    CHECK_EQ(bad_stale, 0);
    CHECK_EQ(h, (1u << 16) | 2);                    /* slot 1 retired: slot 2's first value */
    CHECK_EQ(handle_lookup(&ht, first, KOBJ_NONE, 0, &c), rcInvalidArgument);
    CHECK_EQ(handle_lookup(&ht, prev, KOBJ_NONE, 0, &c), rcInvalidArgument);
    CHECK_EQ(handle_close(&ht, prev), rcInvalidArgument);
    CHECK_EQ(handle_lookup(&ht, h, KOBJ_NONE, 0, &c), rcOk);
    if (fill) {                                     /* the table is one slot smaller */
        uint32_t n = 1;
        Handle x;
        while (handle_install(&ht, &obj, RIGHTS_ALL, NULL, &x) == rcOk)
            n++;
        CHECK_EQ(n, quota - 1);
    }
    handle_table_destroy(&ht);
    CHECK_EQ(obj.handles, 0);
}

int main(void)
{
    uint8_t *mem = aligned_alloc(1 << 16, MEM);
    struct pmm_range ram = { (uintptr_t)mem, MEM };
    CHECK_EQ(pmm_init(&ram, 1, NULL, 0), 0);
    size_t free0 = pmm_free_count();
    kobject_init(&obj, KOBJ_USER, obj_destroy);
    test_first_values();
    test_slot_exhaustion(0xffff, 1, 0);
    test_slot_exhaustion(4095, 16, 1);
    CHECK_EQ(obj.refs, 1);
    CHECK_EQ(destroyed, 0);
    kobject_put(&obj);
    CHECK_EQ(destroyed, 1);
    (void)free0;
    free(mem);
    CHECK_DONE();
}
