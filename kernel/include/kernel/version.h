/* Kernel identification printed in the boot banner. */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define KERNEL_NAME "KOS-A64 microkernel"
#define KERNEL_VERSION "0.1"
#ifndef KERNEL_BUILD
#define KERNEL_BUILD "aarch64"
#endif

#endif
