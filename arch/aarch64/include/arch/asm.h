/* Assembly helpers: function start/end markers so gdb and objdump see symbols. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define FUNC(name)      .globl name; .type name, %function; .balign 4; name:
#define LOCAL_FUNC(name) .type name, %function; .balign 4; name:
#define END(name)       .size name, . - name

#endif
