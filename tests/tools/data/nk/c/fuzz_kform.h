/* The kernel-form dispatcher of test.Rich (fuzz_kform.c), for fuzz.c. */
#ifndef FUZZ_KFORM_H
#define FUZZ_KFORM_H
#include <stddef.h>
#include <stdint.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#define KFORM_MID_ERROR 0xFFFFFFFFu
Retcode kform_dispatch(const SMsgHdr *req, size_t req_len, SMsgHdr *res, size_t res_cap,
                       void *res_arena, uint32_t res_arena_cap);
#endif
