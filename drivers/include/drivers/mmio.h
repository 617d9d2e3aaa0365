/* Device register access: volatile 32-bit loads/stores with ordering. */
#ifndef DRIVERS_MMIO_H
#define DRIVERS_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(volatile void *base, uintptr_t off)
{
    uint32_t v = *(volatile uint32_t *)((volatile char *)base + off);
    __asm__ volatile("" ::: "memory");
    return v;
}

static inline void mmio_write32(volatile void *base, uintptr_t off, uint32_t v)
{
    __asm__ volatile("dsb st" ::: "memory");
    *(volatile uint32_t *)((volatile char *)base + off) = v;
}

static inline uint64_t mmio_read64(volatile void *base, uintptr_t off)
{
    uint64_t v = *(volatile uint64_t *)((volatile char *)base + off);
    __asm__ volatile("" ::: "memory");
    return v;
}

static inline void mmio_write64(volatile void *base, uintptr_t off, uint64_t v)
{
    __asm__ volatile("dsb st" ::: "memory");
    *(volatile uint64_t *)((volatile char *)base + off) = v;
}

#endif
