/*
 * regex.Client: tries to open a list of paths through the C library (libvfs
 * forwards open() to VfsFsnet as vfs.fs.Open with the path as a string). The
 * policy grants Open only for paths matching its pattern; the kernel denies
 * the others before VfsFsnet sees them, and open() fails with EACCES. One line
 * per path: "client: open <path>: granted" / "refused (EACCES)" / "failed
 * (<error>)". Then a channel lookup the policy refuses by its name (a rule on
 * the contents of a request to the kernel). Exit status 0 when every outcome
 * is the expected one.
 */
#include <coresrv/channel/channel_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uapi/syscall.h>

struct probe {
    const char *path;
    int granted; /* what the policy's pattern says */
};

static const struct probe probes[] = {
    {"/etc/pub/notes.txt", 1},
    {"/etc/private/key.txt", 0},
    {"/etc/pub/../private/key.txt", 0}, /* `..` is not in the pattern's alphabet */
    {"/etc/pub/NOTES.txt", 0},
    {"/etc/pub/notes.txt.bak", 0},
};

int main(void)
{
    int bad = 0;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        int fd = open(probes[i].path, O_RDONLY);
        int err = errno;
        if (fd >= 0) {
            char buf[64];
            ssize_t n = read(fd, buf, sizeof buf - 1);
            buf[n > 0 ? n : 0] = 0;
            close(fd);
            printf("client: open %s: granted (%zd bytes)\n", probes[i].path, n);
            bad += !probes[i].granted;
        } else if (err == EACCES) {
            printf("client: open %s: refused (EACCES)\n", probes[i].path);
            bad += probes[i].granted;
        } else {
            printf("client: open %s: failed (%s)\n", probes[i].path, strerror(err));
            bad++;
        }
    }
    Handle h;
    Retcode rc = KnChannelLookup("secret", SERVICE_CLIENT, &h);
    printf("client: lookup secret: %s\n", rc == rcSecurityDisallow ? "refused (rcSecurityDisallow)"
                                          : rc == rcOk ? "granted" : "failed");
    bad += rc != rcSecurityDisallow;
    printf("client: %s\n", bad ? "UNEXPECTED outcomes" : "all outcomes as the policy says");
    return bad != 0;
}
