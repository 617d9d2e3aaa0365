/* mic.Files: a high-integrity store of one value; prints each request it gets
 * (the refused ones never arrive). */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "mic/Files.edl.h"

static uint32_t stored;

static Retcode do_write(void *ctx, uint32_t value)
{
    (void)ctx;
    printf("Files: Write(%u)\n", value);
    stored = value;
    return rcOk;
}

static Retcode do_read(void *ctx, uint32_t *value)
{
    (void)ctx;
    printf("Files: Read\n");
    *value = stored;
    return rcOk;
}

static const struct mic_IFiles_ops files_ops = { .Write = do_write, .Read = do_read };

int main(void)
{
    Handle listener;
    if (KnChannelLookup("mic.Files", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Files: no channel\n");
        return 1;
    }
    static union { SMsgHdr hdr; uint8_t raw[mic_Files_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[mic_Files_res_max]; } res;
    const struct mic_Files_ops ops = { .files = &files_ops };
    req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
    Retcode rc = Recv(listener, &req.hdr);
    while (rc == rcOk) {
        mic_Files_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), NULL, 0);
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        rc = ReplyRecv(listener, &res.hdr, &req.hdr, INFINITE_TIMEOUT);
    }
    return 0;
}
