/*
 * System register access and the few barrier/cache helpers the kernel needs.
 * Only arch/ and drivers/ include this: portable code in kernel/ never does.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)))

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* Save/restore of the interrupt mask around short critical sections. */
static inline uint64_t irq_save(void)
{
    uint64_t daif = read_sysreg(daif);
    irq_disable();
    return daif;
}
static inline void irq_restore(uint64_t daif) { write_sysreg(daif, daif); }

/* ESR_EL1 exception classes the kernel looks at. */
#define ESR_EC(esr)        (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)       ((esr) & 0x1ffffff)
#define EC_UNKNOWN         0x00
#define EC_WFX             0x01
#define EC_FP_ASIMD        0x07
#define EC_ILLEGAL_STATE   0x0e
#define EC_SVC64           0x15
#define EC_MSR_MRS         0x18
#define EC_IABT_LOWER      0x20
#define EC_IABT_CUR        0x21
#define EC_PC_ALIGN        0x22
#define EC_DABT_LOWER      0x24
#define EC_DABT_CUR        0x25
#define EC_SP_ALIGN        0x26
#define EC_SERROR          0x2f
#define EC_BRK64           0x3c

#endif
