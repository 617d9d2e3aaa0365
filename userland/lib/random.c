/*
 * Random bytes: KosRandomGenerate(Ex) (kos/random/random_api.h), getentropy
 * and getrandom (sys/random.h), all from kl.core.Sys.GetEntropy, 64 bytes a
 * call. No source on the board: rcUnimplemented / ENOSYS, never a fallback
 * to a fixed seed.
 */
#include "kcall.h"
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <kos/random/random_api.h>

Retcode KosRandomGenerate(rtl_size_t size, void *output)
{
    if (!output && size)
        return rcInvalidArgument;
    uint8_t *out = output;
    while (size > 0) {
        kl_core_Sys_GetEntropy_req req;
        kl_core_Sys_GetEntropy_res res;
        nk_req_reset(&req);
        Retcode rc = KCALL(Sys, sys, GetEntropy, &req, &res);
        if (rc != rcOk)
            return rc;
        size_t k = size < sizeof res.data ? size : sizeof res.data;
        memcpy(out, res.data, k);
        memset(res.data, 0, sizeof res.data);
        out += k;
        size -= k;
    }
    return rcOk;
}

Retcode KosRandomGenerateEx(rtl_size_t size, void *output, rtl_bool *quality)
{
    Retcode rc = KosRandomGenerate(size, output);
    if (quality)
        *quality = rc == rcOk ? KOS_RANDOM_QUALITY_HIGH : KOS_RANDOM_QUALITY_LOW;
    return rc;
}

int getentropy(void *buf, size_t len)
{
    if (len > 256) {
        errno = EIO;                 /* POSIX: at most 256 bytes a call */
        return -1;
    }
    Retcode rc = KosRandomGenerate(len, buf);
    if (rc != rcOk) {
        errno = rc == rcUnimplemented ? ENOSYS : rc == rcInvalidArgument ? EFAULT : EIO;
        return -1;
    }
    return 0;
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM)) {
        errno = EINVAL;
        return -1;
    }
    if (len > 33554431)
        len = 33554431;              /* Linux's cap for one call */
    Retcode rc = KosRandomGenerate(len, buf);
    if (rc != rcOk) {
        errno = rc == rcUnimplemented ? ENOSYS : rc == rcInvalidArgument ? EFAULT : EIO;
        return -1;
    }
    return (ssize_t)len;
}
