/* Host stand-in for arch/context.h: what kernel/elf.c uses of it (the fuzz
 * harness fuzz_elf.c defines arch_sync_icache). */
#ifndef HOST_FUZZ_ARCH_CONTEXT_H
#define HOST_FUZZ_ARCH_CONTEXT_H
void arch_sync_icache(void);
#endif
