/* Client of mic.Files (run as mic.High and as mic.Low): writes a value, reads
 * it back, and prints each outcome with its task name (argv[0]); the
 * integrity levels in the policy decide. Exits 0 unless a call fails for
 * another reason than the policy. */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/sl/sl_api.h>
#include <stdio.h>
#include "mic/Files.edl.h"

static const char *outcome(nk_err_t rc)
{
    return rc == NK_EOK ? "granted" : rc == rcSecurityDisallow ? "refused (rcSecurityDisallow)" : "failed";
}

int main(int argc, char **argv)
{
    const char *me = argc > 0 ? argv[0] : "?";
    Handle ch = ServiceLocatorConnect("mic.Files");
    if (ch == INVALID_HANDLE) {
        printf("%s: no channel to mic.Files\n", me);
        return 1;
    }
    NkKosTransport transport;
    struct mic_IFiles_proxy proxy;
    NkKosTransport_Init(&transport, ch, NK_NULL, 0);
    mic_IFiles_proxy_init(&proxy, &transport.base, ServiceLocatorGetRiid(ch, "files"));
    mic_IFiles_Write_req wq = { .value = 7 };
    mic_IFiles_Write_res wr;
    nk_err_t w = mic_IFiles_Write(&proxy.base, &wq, NK_NULL, &wr, NK_NULL);
    printf("%s: Write %s\n", me, outcome(w));
    mic_IFiles_Read_req rq;
    mic_IFiles_Read_res rr;
    nk_req_reset(&rq);
    nk_err_t r = mic_IFiles_Read(&proxy.base, &rq, NK_NULL, &rr, NK_NULL);
    printf("%s: Read %s\n", me, outcome(r));
    return (w != NK_EOK && w != rcSecurityDisallow) || (r != NK_EOK && r != rcSecurityDisallow);
}
