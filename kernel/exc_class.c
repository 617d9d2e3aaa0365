/* Tables that turn ESR_ELx syndromes into text (ARM ARM D17.2.37). */
#include <kernel/exc_class.h>

const char *exc_class_name(uint64_t esr)
{
    switch (exc_class_of(esr)) {
    case 0x00: return "unknown reason (undefined instruction)";
    case 0x01: return "trapped WFI/WFE";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "SVC from AArch64";
    case 0x18: return "trapped MSR/MRS/system instruction";
    case 0x20: return "instruction abort from lower EL";
    case 0x21: return "instruction abort from current EL";
    case 0x22: return "PC alignment fault";
    case 0x24: return "data abort from lower EL";
    case 0x25: return "data abort from current EL";
    case 0x26: return "SP alignment fault";
    case 0x2c: return "floating-point exception";
    case 0x2f: return "SError interrupt";
    case 0x30: case 0x31: return "breakpoint";
    case 0x32: case 0x33: return "software step";
    case 0x34: case 0x35: return "watchpoint";
    case 0x3c: return "BRK instruction";
    default: return "unrecognised exception class";
    }
}

const char *exc_fault_status(uint64_t esr)
{
    static const char *const names[] = {
        [0x04] = "translation fault level 0", [0x05] = "translation fault level 1",
        [0x06] = "translation fault level 2", [0x07] = "translation fault level 3",
        [0x09] = "access flag fault level 1", [0x0a] = "access flag fault level 2",
        [0x0b] = "access flag fault level 3", [0x0d] = "permission fault level 1",
        [0x0e] = "permission fault level 2", [0x0f] = "permission fault level 3",
        [0x10] = "synchronous external abort", [0x21] = "alignment fault",
        [0x00] = "address size fault level 0",
    };
    unsigned fsc = (unsigned)esr & 0x3f;
    if (fsc < sizeof(names) / sizeof(names[0]) && names[fsc])
        return names[fsc];
    return "other fault";
}
