/* Client of mic.Files (run as mic.High and as mic.Low): writes a value, reads
 * it back, and prints each outcome with its task name (argv[0]); the
 * integrity levels in the policy decide. Exits 0 unless a call fails for
 * another reason than the policy. */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "mic/Files.edl.h"

static const char *outcome(Retcode rc)
{
    return rc == rcOk ? "granted" : rc == rcSecurityDisallow ? "refused (rcSecurityDisallow)" : "failed";
}

int main(int argc, char **argv)
{
    const char *me = argc > 0 ? argv[0] : "?";
    Handle ch;
    struct mic_IFiles_proxy proxy;
    if (KnChannelLookup("mic.Files", SERVICE_CLIENT, &ch)) {
        printf("%s: no channel to mic.Files\n", me);
        return 1;
    }
    mic_IFiles_proxy_init(&proxy, ch, mic_Files_files_riid);
    uint32_t v = 0;
    Retcode w = mic_IFiles_Write(&proxy, 7);
    printf("%s: Write %s\n", me, outcome(w));
    Retcode r = mic_IFiles_Read(&proxy, &v);
    printf("%s: Read %s\n", me, outcome(r));
    return (w != rcOk && w != rcSecurityDisallow) || (r != rcOk && r != rcSecurityDisallow);
}
