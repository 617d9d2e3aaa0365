/*
 * test_vfs_big: large reads and writes through windows (docs/VFS.md, "Large
 * reads and writes"): content compared at sizes around libvfs's threshold
 * (64 KiB) and at unaligned buffers, pread/pwrite at offsets, and hostile
 * buffers: unmapped memory, a read-only buffer for read(), a range past user
 * space. Then 1000 large calls and the free-page count back where it was.
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../check.h"

#define BIG (1u << 20)
static unsigned char src[BIG + 64], dst[BIG + 64];
static const unsigned char rodata[128 * 1024] = { 1 };   /* read-only: in .rodata */

static void fill(unsigned seed)
{
    for (unsigned i = 0; i < sizeof src; i++)
        src[i] = (unsigned char)((i + seed) * 2654435761u >> 24);
}

/* Writes n bytes from src+a, reads them back into dst+b in one read: 1 when equal. */
static int round_trip(size_t n, unsigned a, unsigned b)
{
    int fd = open("/big", O_CREAT | O_TRUNC | O_RDWR, 0644);
    ssize_t wr = fd < 0 ? -1 : write(fd, src + a, n);
    if (wr != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
        printf("test_vfs_big: fd %d wrote %zd of %zu (errno %d)\n", fd, wr, n, errno);
        return 0;
    }
    memset(dst, 0, sizeof dst);
    ssize_t got = read(fd, dst + b, n + 40);            /* asks more: short at EOF */
    close(fd);
    if (got != (ssize_t)n)
        printf("test_vfs_big: read %zd of %zu (errno %d)\n", got, n, errno);
    for (size_t i = 0; i < n; i++)
        if (src[a + i] != dst[b + i]) {
            size_t j = i;
            while (j < n && src[a + j] != dst[b + j])
                j++;
            printf("test_vfs_big: first difference at %zu, to %zu\n", i, j);
            unsigned char want = (unsigned char)((a + i + 1) * 2654435761u >> 24), piece[16];
            int pfd = open("/big", O_RDONLY);
            pread(pfd, piece, 16, (off_t)i);
            close(pfd);
            printf("test_vfs_big: src %02x (formula %02x) dst %02x file %02x, src at %p dst at %p\n",
                   src[a + i], want, dst[b + i], piece[0], (void *)(src + a + i),
                   (void *)(dst + b + i));
            return 0;
        }
    return got == (ssize_t)n;
}

static uint64_t free_pages(void)
{
    KnSysInfo i = { 0 };
    KnSysGetInfo(&i);
    return i.freePages;
}

int main(void)
{
    fill(1);
    static const size_t sizes[] = { 65535, 65536, 65537, 131072 + 5, BIG };
    int ok = 1;
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (unsigned a = 0; a < 2; a++)
            if (!round_trip(sizes[i], a * 7, a * 13)) {
                printf("test_vfs_big: size %zu shift %u differs\n", sizes[i], a);
                ok = 0;
            }
    CHECK("threshold_sizes_content", ok, "see above");

    /* pwrite/pread at offsets, over a hole and past the old end. */
    int fd = open("/big", O_CREAT | O_TRUNC | O_RDWR, 0644);
    fill(2);
    ssize_t w = pwrite(fd, src, 200000, 300001);
    memset(dst, 0xAA, sizeof dst);
    ssize_t r = pread(fd, dst, 500001, 0);
    int hole_zero = 1;
    for (unsigned i = 0; i < 300001; i++)
        hole_zero &= dst[i] == 0;
    CHECK("pwrite_pread_offsets", w == 200000 && r == 500001 && hole_zero &&
          memcmp(dst + 300001, src, 200000) == 0, "w %zd r %zd hole %d", w, r, hole_zero);

    /* Hostile buffers: each fails with EFAULT and leaves the file and server intact. */
    void *gone = NULL;
    KnVmAllocate(NULL, BIG, VM_READ | VM_WRITE, 0, &gone);
    KnVmFree(gone, BIG);
    errno = 0;
    r = pread(fd, gone, BIG, 0);
    CHECK("read_into_unmapped_EFAULT", r < 0 && errno == EFAULT, "r %zd errno %d", r, errno);
    errno = 0;
    r = pwrite(fd, gone, 2 * 65536, 600000);   /* past the end: nothing of it stays */
    CHECK("write_from_unmapped_EFAULT", r < 0 && errno == EFAULT, "r %zd errno %d", r, errno);
    errno = 0;
    r = pread(fd, (void *)rodata, sizeof rodata, 300001);
    CHECK("read_into_readonly_EFAULT", r < 0 && errno == EFAULT && rodata[0] == 1 &&
          rodata[1] == 0, "r %zd errno %d", r, errno);
    errno = 0;
    r = pread(fd, (void *)(uintptr_t)0xfffffffffff00000ull, BIG, 0);
    CHECK("read_outside_user_space_EFAULT", r < 0 && errno == EFAULT, "r %zd errno %d", r,
          errno);
    /* A bad page in the middle of a buffer whose other pages are good (the kernel copies
     * by runs of pages checked entry by entry: the run must stop at the bad page). */
    void *span = NULL, *at = NULL;
    KnVmAllocate(NULL, 3 * 65536, VM_READ | VM_WRITE, 0, &span);
    KnVmFree(span, 3 * 65536);
    uint8_t *mid = (uint8_t *)span;
    int placed = KnVmAllocate(mid, 65536, VM_READ | VM_WRITE, VM_FIXED, &at) == rcOk &&
                 KnVmAllocate(mid + 65536, 4096, VM_READ, VM_FIXED, &at) == rcOk &&
                 KnVmAllocate(mid + 69632, 3 * 65536 - 69632, VM_READ | VM_WRITE, VM_FIXED,
                              &at) == rcOk;
    errno = 0;
    r = pread(fd, mid + 8, 3 * 65536 - 16, 0);   /* unaligned, over the read-only page */
    CHECK("read_over_readonly_page_mid_buffer_EFAULT", placed && r < 0 && errno == EFAULT &&
          mid[65536] == 0, "placed %d r %zd errno %d", placed, r, errno);
    KnVmFree(mid + 65536, 4096);               /* now a hole in the middle */
    memset(mid, 7, 65536);
    errno = 0;
    r = pwrite(fd, mid + 8, 3 * 65536 - 16, 700000);   /* past the end: nothing stays */
    CHECK("write_over_hole_mid_buffer_EFAULT", r < 0 && errno == EFAULT, "r %zd errno %d", r,
          errno);
    KnVmFree(mid, 65536);
    KnVmFree(mid + 69632, 3 * 65536 - 69632);
    memset(dst, 0, sizeof dst);
    r = pread(fd, dst, 200000, 300001);
    off_t end = lseek(fd, 0, SEEK_END);
    CHECK("file_intact_after_hostile", r == 200000 && memcmp(dst, src, 200000) == 0 &&
          end == 500001, "r %zd end %lld", r, (long long)end);
    /* A write whose source fails part way: the rest of the file stays readable. */
    r = pwrite(fd, src, 600000, 0);
    CHECK("still_writes_after_hostile", r == 600000, "r %zd", r);
    close(fd);

    /* 1000 large calls: every window and handle goes, the pages come back. */
    fd = open("/big", O_RDWR);
    pwrite(fd, src, 131072, 0);
    pread(fd, dst, 131072, 0);
    uint64_t before = free_pages();
    int bad = 0;
    for (int i = 0; i < 500; i++) {
        bad += pwrite(fd, src + (i & 7), 131072, 0) != 131072;
        bad += pread(fd, dst + (i & 3), 131072, 0) != 131072;
    }
    uint64_t after = free_pages();
    CHECK("thousand_calls_pages_back", bad == 0 && after == before,
          "%d failed, %llu free pages before, %llu after", bad, (unsigned long long)before,
          (unsigned long long)after);
    close(fd);
    unlink("/big");
    return check_done("test_vfs_big");
}
