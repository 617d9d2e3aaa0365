/*
 * test_vfs_hog: a task that takes all the memory it can (test_vfs_limits_run starts it with
 * a limit of HOG_PAGES pages). It must get ENOMEM / rcOutOfMemory at its limit, hold that
 * memory while test_vfs_limits shows everybody else still works, then get it back.
 * Handshake through the VFS: it creates /hog_full when full, waits for /hog_release.
 */
#include <coresrv/thread/thread_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../check.h"
#include "limits.h"

static void *blocks[1024];

static void idle_thread(void *arg)
{
    (void)arg;
}

int main(void)
{
    struct stat st;
    CHECK("hog_vfs_reachable", stat("/", &st) == 0, "errno %d", errno);
    rtl_uint64_t pages = 0, limit = 0;
    CHECK_RC("hog_usage", KnVmUsage(&pages, &limit), rcOk);
    CHECK("hog_limit_is_the_launchers", limit == HOG_PAGES, "limit %llu",
          (unsigned long long)limit);
    int n = 0, err = 0;
    for (size_t size = 65536; size >= 1024; size /= 4) {     /* big blocks, then the rest */
        void *p;
        while (n < (int)(sizeof blocks / sizeof *blocks) && (p = malloc(size)) != NULL)
            blocks[n++] = p;
        err = errno;
    }
    CHECK("hog_malloc_ENOMEM", err == ENOMEM, "errno %d after %d blocks", err, n);
    void *at = NULL;
    CHECK_RC("hog_vmallocate_refused", KnVmAllocate(NULL, 4096, VM_READ | VM_WRITE, 0, &at),
             rcOutOfMemory);
    /* A thread's kernel stack (4 pages) is charged too: no threads past the limit. */
    Handle th;
    static uint64_t spare_stack[64] __attribute__((aligned(16)));
    CHECK_RC("hog_thread_refused", KnThreadCreate(idle_thread, NULL, spare_stack + 64, NULL,
                                                  THREAD_PRIORITY_DEFAULT, &th), rcOutOfMemory);
    KnVmUsage(&pages, &limit);
    printf("test_vfs_hog: holding %llu pages, limit %llu\n", (unsigned long long)pages,
           (unsigned long long)limit);
    CHECK("hog_at_its_limit", pages <= limit && pages + 2 >= limit, "%llu of %llu pages",
          (unsigned long long)pages, (unsigned long long)limit);
    int fd = open("/hog_full", O_CREAT | O_WRONLY, 0644);
    CHECK("hog_tells_it_is_full", fd >= 0, "errno %d", errno);
    close(fd);
    int waited = 0;
    while (stat("/hog_release", &st) != 0 && waited++ < 6000)
        KnSleepNs(10 * 1000 * 1000);
    CHECK("hog_released", waited < 6000, "no /hog_release after 60 s");
    while (n > 0)
        free(blocks[--n]);
    void *p = malloc(65536);
    CHECK("hog_malloc_after_free", p != NULL, "errno %d", errno);
    free(p);
    return check_done("test_vfs_hog");
}
