/*
 * kos/random/random_api.h: random bytes (KasperskyOS names) from the
 * kernel's generator (kl.core.Sys.GetEntropy: ChaCha20 seeded from the
 * board's entropy sources, docs/USERLAND.md "Entropy").
 */
#ifndef KOS_RANDOM_RANDOM_API_H
#define KOS_RANDOM_RANDOM_API_H

#include <rtl/types.h>
#include <uapi/retcode.h>

/* size random bytes into output; rcUnimplemented when the board has no
 * entropy source, rcInvalidArgument for a NULL output. */
Retcode KosRandomGenerate(rtl_size_t size, void *output);

/* The same, with the quality (KasperskyOS: high or low) in *quality: always
 * high here, as every byte comes from the seeded generator. */
#define KOS_RANDOM_QUALITY_HIGH 1
#define KOS_RANDOM_QUALITY_LOW  0
Retcode KosRandomGenerateEx(rtl_size_t size, void *output, rtl_bool *quality);

#endif
