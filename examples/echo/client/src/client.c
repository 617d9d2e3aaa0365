/* echo.Client (examples/echo, SDK layout): calls Ping on Server argv[1] times,
 * each time with the previous answer, then keeps the answers in a file of the
 * RAM file system (kl.VfsRamFs, through libvfs) and reads them back. Prints
 * "Client: done" and exits 0 when everything was right. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>

#include <echo/Ping.idl.h>

#define FILE_PATH "/answers.txt"   /* in the root file system, a ramfs */

int main(int argc, char **argv)
{
    int calls = argc > 1 ? atoi(argv[1]) : 1;
    Handle handle = ServiceLocatorConnect("server_connection");
    if (handle == INVALID_HANDLE) {
        fprintf(stderr, "Client: no channel server_connection\n");
        return EXIT_FAILURE;
    }
    NkKosTransport transport;
    NkKosTransport_Init(&transport, handle, NK_NULL, 0);
    nk_iid_t riid = ServiceLocatorGetRiid(handle, "ping.ping");
    struct echo_Ping_proxy proxy;
    echo_Ping_proxy_init(&proxy, &transport.base, riid);

    char answers[256] = "";
    size_t used = 0;
    int failures = 0;
    echo_Ping_Ping_req req = { .value = 1 };
    echo_Ping_Ping_res res;
    for (int i = 0; i < calls; i++) {
        nk_err_t rc = echo_Ping_Ping(&proxy.base, &req, NULL, &res, NULL);
        if (rc != NK_EOK || res.result != req.value + 1) {
            printf("Client: Ping(%u) failed (rc %d)\n", (unsigned)req.value, (int)rc);
            failures++;
            break;
        }
        printf("Client: Ping(%u) = %u\n", (unsigned)req.value, (unsigned)res.result);
        used += (size_t)snprintf(answers + used, sizeof answers - used, "%u ", (unsigned)res.result);
        req.value = res.result;
    }

    /* The answers go to kl.VfsRamFs and come back. */
    int fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0)
        printf("Client: open %s: %s\n", FILE_PATH, strerror(errno));
    ssize_t wrote = fd >= 0 ? write(fd, answers, used) : -1;
    char back[256] = "";
    ssize_t got = -1;
    if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0)
        got = read(fd, back, sizeof back - 1);
    if (fd >= 0 && got != wrote)
        printf("Client: wrote %zd, read back %zd: %s\n", wrote, got, strerror(errno));
    if (fd >= 0)
        close(fd);
    int same = wrote == (ssize_t)used && got == wrote && memcmp(answers, back, used) == 0;
    printf("Client: %s holds \"%s\" (%s)\n", FILE_PATH, got > 0 ? back : "", same ? "read back" : "FAILED");
    failures += !same;
    printf("Client: %s\n", failures ? "FAILED" : "done");
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
