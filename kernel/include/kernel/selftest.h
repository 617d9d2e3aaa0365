/* Boot-time self-test of the kernel core; returns the number of failures. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

int selftest_run(void);

#endif
