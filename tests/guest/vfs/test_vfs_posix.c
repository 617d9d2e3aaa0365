/*
 * test_vfs_posix: POSIX file calls through libvfs to VfsFsnet (started by
 * test_vfs_posix_run: romfs at /etc, ramfs at /tmp from the romfs fstab, a
 * 256 KiB ramfs at /small, the ramfs at /).
 *
 * A table gives each call's success and error cases (ENOENT EEXIST EISDIR
 * ENOTDIR ENOTEMPTY EBADF EINVAL ENAMETOOLONG EROFS EXDEV ESPIPE ERANGE);
 * then contents and offsets, stdio streams, directories, cwd, the romfs
 * image, EMFILE, ENOSPC on a full ramfs (no corruption, space comes back),
 * a 1 MiB file with a checksum (timed), and Release.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <coresrv/time/time_api.h>
#include <vfs/client.h>
#include "../check.h"

/* ---- the table ------------------------------------------------------------------- */

enum op {
    OP_OPEN, OP_CLOSE, OP_READ, OP_WRITE, OP_PREAD, OP_PWRITE, OP_LSEEK, OP_FSTAT, OP_STAT,
    OP_FTRUNCATE, OP_FSYNC, OP_UNLINK, OP_RENAME, OP_MKDIR, OP_RMDIR, OP_OPENDIR, OP_CHDIR,
    OP_GETCWD,
};

/* Descriptor selectors for fd calls. */
enum { FD_RO = 1000, FD_WO, FD_RW, FD_DIR, FD_BAD, FD_NEG, FD_CLOSED, FD_TMP, FD_STDOUT };

#define ANY (-999)                  /* success with any non-negative result */

struct row {
    const char *name;
    enum op op;
    const char *path, *path2;       /* "@long": 300 bytes; "@longname": a 100-byte name */
    long a, b, c;                   /* fd / flags / offset / length / whence / mode */
    long expect;                    /* result on success (ANY), or -1 */
    int err;                        /* errno when expect is -1 */
};

static const struct row table[] = {
    /* open */
    { "open_ok", OP_OPEN, "/d/f", 0, O_RDONLY, 0, 0, ANY, 0 },
    { "open_create_ok", OP_OPEN, "/d/new", 0, O_WRONLY | O_CREAT, 0644, 0, ANY, 0 },
    { "open_ENOENT", OP_OPEN, "/missing", 0, O_RDONLY, 0, 0, -1, ENOENT },
    { "open_ENOENT_dir", OP_OPEN, "/missing/f", 0, O_RDONLY | O_CREAT, 0644, 0, -1, ENOENT },
    { "open_ENOENT_empty", OP_OPEN, "", 0, O_RDONLY, 0, 0, -1, ENOENT },
    { "open_EEXIST", OP_OPEN, "/d/f", 0, O_WRONLY | O_CREAT | O_EXCL, 0644, 0, -1, EEXIST },
    { "open_EISDIR", OP_OPEN, "/d", 0, O_WRONLY, 0, 0, -1, EISDIR },
    { "open_ENOTDIR", OP_OPEN, "/d/f/x", 0, O_RDONLY, 0, 0, -1, ENOTDIR },
    { "open_ENOTDIR_flag", OP_OPEN, "/d/f", 0, O_RDONLY | O_DIRECTORY, 0, 0, -1, ENOTDIR },
    { "open_EROFS_create", OP_OPEN, "/etc/new", 0, O_WRONLY | O_CREAT, 0644, 0, -1, EROFS },
    { "open_EROFS_write", OP_OPEN, "/etc/hello.txt", 0, O_RDWR, 0, 0, -1, EROFS },
    { "open_ENAMETOOLONG_path", OP_OPEN, "@long", 0, O_RDONLY, 0, 0, -1, ENAMETOOLONG },
    { "open_ENAMETOOLONG_name", OP_OPEN, "@longname", 0, O_RDONLY, 0, 0, -1, ENAMETOOLONG },
    { "open_EINVAL_accmode", OP_OPEN, "/d/f", 0, O_ACCMODE, 0, 0, -1, EINVAL },
    /* close */
    { "close_ok", OP_CLOSE, 0, 0, FD_TMP, 0, 0, 0, 0 },
    { "close_EBADF", OP_CLOSE, 0, 0, FD_BAD, 0, 0, -1, EBADF },
    { "close_EBADF_negative", OP_CLOSE, 0, 0, FD_NEG, 0, 0, -1, EBADF },
    { "close_EBADF_closed", OP_CLOSE, 0, 0, FD_CLOSED, 0, 0, -1, EBADF },
    /* read */
    { "read_ok", OP_READ, 0, 0, FD_RO, 5, 0, 5, 0 },
    { "read_EBADF_wronly", OP_READ, 0, 0, FD_WO, 5, 0, -1, EBADF },
    { "read_EISDIR", OP_READ, 0, 0, FD_DIR, 5, 0, -1, EISDIR },
    { "read_EBADF", OP_READ, 0, 0, FD_BAD, 5, 0, -1, EBADF },
    /* write */
    { "write_ok", OP_WRITE, 0, 0, FD_WO, 3, 0, 3, 0 },
    { "write_EBADF_rdonly", OP_WRITE, 0, 0, FD_RO, 3, 0, -1, EBADF },
    { "write_EBADF", OP_WRITE, 0, 0, FD_CLOSED, 3, 0, -1, EBADF },
    /* pread / pwrite */
    { "pread_ok", OP_PREAD, 0, 0, FD_RO, 3, 1, 3, 0 },
    { "pread_EINVAL", OP_PREAD, 0, 0, FD_RO, 3, -1, -1, EINVAL },
    { "pread_EBADF", OP_PREAD, 0, 0, FD_BAD, 3, 0, -1, EBADF },
    { "pread_ESPIPE_console", OP_PREAD, 0, 0, FD_STDOUT, 3, 0, -1, ESPIPE },
    { "pwrite_ok", OP_PWRITE, 0, 0, FD_WO, 3, 10, 3, 0 },
    { "pwrite_EINVAL", OP_PWRITE, 0, 0, FD_WO, 3, -5, -1, EINVAL },
    { "pwrite_EBADF_rdonly", OP_PWRITE, 0, 0, FD_RO, 3, 0, -1, EBADF },
    /* lseek */
    { "lseek_end", OP_LSEEK, 0, 0, FD_RO, 0, SEEK_END, 5, 0 },
    { "lseek_set", OP_LSEEK, 0, 0, FD_RO, 2, SEEK_SET, 2, 0 },
    { "lseek_past_end", OP_LSEEK, 0, 0, FD_RO, 100, SEEK_SET, 100, 0 },
    { "lseek_EINVAL_whence", OP_LSEEK, 0, 0, FD_RO, 0, 7, -1, EINVAL },
    { "lseek_EINVAL_negative", OP_LSEEK, 0, 0, FD_RO, -100, SEEK_SET, -1, EINVAL },
    { "lseek_EBADF", OP_LSEEK, 0, 0, FD_BAD, 0, SEEK_SET, -1, EBADF },
    { "lseek_ESPIPE_console", OP_LSEEK, 0, 0, FD_STDOUT, 0, SEEK_SET, -1, ESPIPE },
    /* fstat / stat */
    { "fstat_ok", OP_FSTAT, 0, 0, FD_RO, 0, 0, 0, 0 },
    { "fstat_EBADF", OP_FSTAT, 0, 0, FD_CLOSED, 0, 0, -1, EBADF },
    { "stat_ok", OP_STAT, "/d/f", 0, 0, 0, 0, 0, 0 },
    { "stat_ok_dotdot", OP_STAT, "/d/../d/./f", 0, 0, 0, 0, 0, 0 },
    { "stat_ENOENT", OP_STAT, "/d/missing", 0, 0, 0, 0, -1, ENOENT },
    { "stat_ENOTDIR", OP_STAT, "/d/f/", 0, 0, 0, 0, -1, ENOTDIR },
    { "stat_ENAMETOOLONG", OP_STAT, "@long", 0, 0, 0, 0, -1, ENAMETOOLONG },
    /* ftruncate / fsync */
    { "ftruncate_ok", OP_FTRUNCATE, 0, 0, FD_WO, 100, 0, 0, 0 },
    { "ftruncate_EINVAL", OP_FTRUNCATE, 0, 0, FD_WO, -1, 0, -1, EINVAL },
    { "ftruncate_EBADF_rdonly", OP_FTRUNCATE, 0, 0, FD_RO, 0, 0, -1, EBADF },
    { "ftruncate_EBADF", OP_FTRUNCATE, 0, 0, FD_BAD, 0, 0, -1, EBADF },
    { "fsync_ok", OP_FSYNC, 0, 0, FD_WO, 0, 0, 0, 0 },
    { "fsync_EBADF", OP_FSYNC, 0, 0, FD_CLOSED, 0, 0, -1, EBADF },
    /* unlink */
    { "unlink_ok", OP_UNLINK, "/d/new", 0, 0, 0, 0, 0, 0 },
    { "unlink_ENOENT", OP_UNLINK, "/d/new", 0, 0, 0, 0, -1, ENOENT },
    { "unlink_EISDIR", OP_UNLINK, "/d", 0, 0, 0, 0, -1, EISDIR },
    { "unlink_ENOTDIR", OP_UNLINK, "/d/f/x", 0, 0, 0, 0, -1, ENOTDIR },
    { "unlink_EROFS", OP_UNLINK, "/etc/hello.txt", 0, 0, 0, 0, -1, EROFS },
    /* rename */
    { "rename_ok", OP_RENAME, "/d/r1", "/d/r2", 0, 0, 0, 0, 0 },
    { "rename_ENOENT", OP_RENAME, "/d/r1", "/d/r3", 0, 0, 0, -1, ENOENT },
    { "rename_EINVAL_subtree", OP_RENAME, "/d", "/d/sub/d", 0, 0, 0, -1, EINVAL },
    { "rename_ENOTDIR", OP_RENAME, "/d/sub", "/d/f", 0, 0, 0, -1, ENOTDIR },
    { "rename_EISDIR", OP_RENAME, "/d/f", "/d/sub", 0, 0, 0, -1, EISDIR },
    { "rename_ENOTEMPTY", OP_RENAME, "/d/empty", "/full", 0, 0, 0, -1, ENOTEMPTY },
    { "rename_EROFS", OP_RENAME, "/etc/hello.txt", "/etc/x", 0, 0, 0, -1, EROFS },
    { "rename_EXDEV", OP_RENAME, "/d/r2", "/tmp/r2", 0, 0, 0, -1, EXDEV },
    /* mkdir / rmdir */
    { "mkdir_ok", OP_MKDIR, "/m", 0, 0755, 0, 0, 0, 0 },
    { "mkdir_EEXIST", OP_MKDIR, "/m", 0, 0755, 0, 0, -1, EEXIST },
    { "mkdir_ENOENT", OP_MKDIR, "/missing/x", 0, 0755, 0, 0, -1, ENOENT },
    { "mkdir_ENOTDIR", OP_MKDIR, "/d/f/x", 0, 0755, 0, 0, -1, ENOTDIR },
    { "mkdir_EROFS", OP_MKDIR, "/etc/x", 0, 0755, 0, 0, -1, EROFS },
    { "mkdir_ENAMETOOLONG", OP_MKDIR, "@longname", 0, 0755, 0, 0, -1, ENAMETOOLONG },
    { "rmdir_ok", OP_RMDIR, "/m", 0, 0, 0, 0, 0, 0 },
    { "rmdir_ENOENT", OP_RMDIR, "/m", 0, 0, 0, 0, -1, ENOENT },
    { "rmdir_ENOTEMPTY", OP_RMDIR, "/full", 0, 0, 0, 0, -1, ENOTEMPTY },
    { "rmdir_ENOTDIR", OP_RMDIR, "/d/f", 0, 0, 0, 0, -1, ENOTDIR },
    { "rmdir_EBUSY_mountpoint", OP_RMDIR, "/tmp", 0, 0, 0, 0, -1, EBUSY },
    { "rmdir_EINVAL_dot", OP_RMDIR, "/d/empty/.", 0, 0, 0, 0, -1, EINVAL },
    /* opendir / chdir / getcwd */
    { "opendir_ok", OP_OPENDIR, "/d", 0, 0, 0, 0, 0, 0 },
    { "opendir_ENOTDIR", OP_OPENDIR, "/d/f", 0, 0, 0, 0, -1, ENOTDIR },
    { "opendir_ENOENT", OP_OPENDIR, "/missing", 0, 0, 0, 0, -1, ENOENT },
    { "chdir_ok", OP_CHDIR, "/d", 0, 0, 0, 0, 0, 0 },
    { "chdir_ENOTDIR", OP_CHDIR, "/d/f", 0, 0, 0, 0, -1, ENOTDIR },
    { "chdir_ENOENT", OP_CHDIR, "/missing", 0, 0, 0, 0, -1, ENOENT },
    { "getcwd_ok", OP_GETCWD, 0, 0, 64, 0, 0, 0, 0 },
    { "getcwd_ERANGE", OP_GETCWD, 0, 0, 4, 0, 0, -1, ERANGE },
};

static char long_path[301], long_name[102];

static const char *path_of(const char *p)
{
    if (p && strcmp(p, "@long") == 0)
        return long_path;
    if (p && strcmp(p, "@longname") == 0)
        return long_name;
    return p;
}

static int put_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Fresh fixtures for every row: /d/f = "hello", /d/sub/, /d/empty/, /d/r1, /full/x. */
static void fixtures(void)
{
    mkdir("/d", 0755);
    mkdir("/d/sub", 0755);
    mkdir("/d/empty", 0755);
    mkdir("/full", 0755);
    put_file("/d/f", "hello");
    put_file("/full/x", "x");
    if (access("/d/r1", F_OK) < 0 && access("/d/r2", F_OK) < 0)
        put_file("/d/r1", "r");
    chdir("/");
}

static int fd_for(long sel, int fds[])
{
    switch (sel) {
    case FD_RO: return fds[0];
    case FD_WO: return fds[1];
    case FD_RW: return fds[2];
    case FD_DIR: return fds[3];
    case FD_BAD: return 63;
    case FD_NEG: return -1;
    case FD_CLOSED: return fds[4];
    case FD_TMP: return fds[5];
    case FD_STDOUT: return 1;
    default: return (int)sel;
    }
}

static long run_row(const struct row *r)
{
    int fds[6];
    fds[0] = open("/d/f", O_RDONLY);
    fds[1] = open("/d/wo", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    fds[2] = open("/d/rw", O_RDWR | O_CREAT, 0644);
    fds[3] = open("/d", O_RDONLY | O_DIRECTORY);
    fds[4] = open("/d/f", O_RDONLY);
    fds[5] = open("/d/f", O_RDONLY);
    close(fds[4]);                      /* after fds[5], so the numbers differ */
    char buf[64] = "xyz";
    struct stat st;
    const char *p = path_of(r->path);
    int fd = fd_for(r->a, fds);
    long ret;
    errno = 0;
    switch (r->op) {
    case OP_OPEN:
        ret = open(p, (int)r->a, (mode_t)r->b);
        if (ret >= 0)
            close((int)ret);
        break;
    case OP_CLOSE: ret = close(fd); break;
    case OP_READ: ret = read(fd, buf, (size_t)r->b); break;
    case OP_WRITE: ret = write(fd, buf, (size_t)r->b); break;
    case OP_PREAD: ret = pread(fd, buf, (size_t)r->b, r->c); break;
    case OP_PWRITE: ret = pwrite(fd, buf, (size_t)r->b, r->c); break;
    case OP_LSEEK: ret = lseek(fd, r->b, (int)r->c); break;
    case OP_FSTAT: ret = fstat(fd, &st); break;
    case OP_STAT: ret = stat(p, &st); break;
    case OP_FTRUNCATE: ret = ftruncate(fd, r->b); break;
    case OP_FSYNC: ret = fsync(fd); break;
    case OP_UNLINK: ret = unlink(p); break;
    case OP_RENAME: ret = rename(p, path_of(r->path2)); break;
    case OP_MKDIR: ret = mkdir(p, (mode_t)r->a); break;
    case OP_RMDIR: ret = rmdir(p); break;
    case OP_OPENDIR: {
        DIR *d = opendir(p);
        ret = d ? 0 : -1;
        if (d)
            closedir(d);
        break;
    }
    case OP_CHDIR: ret = chdir(p); break;
    case OP_GETCWD:
        chdir("/d/sub");
        ret = getcwd(buf, (size_t)r->a) ? 0 : -1;
        break;
    default: ret = -2; break;
    }
    int e = errno;
    for (int i = 0; i < 6; i++)
        if (i != 4 && !(r->op == OP_CLOSE && fd == fds[i]))
            close(fds[i]);
    chdir("/");
    errno = e;
    return ret;
}

static void run_table(void)
{
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_name[0] = '/';
    memset(long_name + 1, 'n', sizeof long_name - 2);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct row *r = &table[i];
        fixtures();
        long ret = run_row(r);
        int e = errno;
        char name[64];
        snprintf(name, sizeof name, "table_%s", r->name);
        if (r->expect == -1)
            CHECK(name, ret == -1 && e == r->err, "returned %ld errno %d (%s), expected -1 %s",
                  ret, e, strerror(e), strerror(r->err));
        else
            CHECK(name, ret >= 0 && (r->expect == ANY || ret == r->expect),
                  "returned %ld errno %d (%s), expected %ld", ret, e, strerror(e), r->expect);
    }
}

/* ---- contents, offsets and stdio ---------------------------------------------------------- */

static void test_contents(void)
{
    char buf[64];
    int fd = open("/c.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("contents_open", fd >= 3, "fd %d errno %d", fd, errno);
    CHECK("contents_write", write(fd, "hello world", 11) == 11, "errno %d", errno);
    CHECK("contents_offset_after_write", lseek(fd, 0, SEEK_CUR) == 11, "offset wrong");
    lseek(fd, 6, SEEK_SET);
    memset(buf, 0, sizeof buf);
    CHECK("contents_read_at_offset", read(fd, buf, sizeof buf) == 5 && memcmp(buf, "world", 5) == 0,
          "got '%s'", buf);
    CHECK("contents_read_eof", read(fd, buf, sizeof buf) == 0, "not at end");
    CHECK("contents_pwrite", pwrite(fd, "WORLD", 5, 6) == 5, "errno %d", errno);
    memset(buf, 0, sizeof buf);
    CHECK("contents_pread", pread(fd, buf, 11, 0) == 11 && strcmp(buf, "hello WORLD") == 0,
          "got '%s'", buf);
    CHECK("contents_pread_keeps_offset", lseek(fd, 0, SEEK_CUR) == 11, "offset moved");
    /* A hole reads as zeros. */
    CHECK("contents_hole_write", pwrite(fd, "!", 1, 100) == 1, "errno %d", errno);
    memset(buf, 1, sizeof buf);
    CHECK("contents_hole_zeros", pread(fd, buf, 10, 50) == 10 && buf[0] == 0 && buf[9] == 0,
          "hole not zero");
    struct stat st;
    CHECK("contents_fstat", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 101 &&
                                st.st_ino != 0 && st.st_nlink == 1,
          "mode %o size %ld", (unsigned)st.st_mode, (long)st.st_size);
    CHECK("contents_ftruncate_shrink", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 &&
                                           st.st_size == 5, "size %ld", (long)st.st_size);
    close(fd);

    fd = open("/c.txt", O_WRONLY | O_APPEND);
    CHECK("contents_append", write(fd, "++", 2) == 2, "errno %d", errno);
    close(fd);
    fd = open("/c.txt", O_RDONLY);
    memset(buf, 0, sizeof buf);
    CHECK("contents_append_lands_at_end", read(fd, buf, sizeof buf) == 7 &&
                                              strcmp(buf, "hello++") == 0, "got '%s'", buf);
    close(fd);
    fd = open("/c.txt", O_WRONLY | O_TRUNC);
    CHECK("contents_trunc", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "size %ld",
          (long)st.st_size);
    close(fd);

    /* An unlinked file stays readable through its descriptor. */
    put_file("/gone.txt", "still here");
    fd = open("/gone.txt", O_RDONLY);
    unlink("/gone.txt");
    memset(buf, 0, sizeof buf);
    CHECK("contents_unlinked_open_file", read(fd, buf, sizeof buf) == 10 &&
                                             strcmp(buf, "still here") == 0 &&
                                             access("/gone.txt", F_OK) == -1,
          "got '%s'", buf);
    close(fd);
}

static void test_stdio(void)
{
    FILE *f = fopen("/stdio.txt", "w");
    CHECK("stdio_fopen_w", f != NULL, "errno %d", errno);
    if (!f)
        return;
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %d of %s\n", i, "stdio");
    CHECK("stdio_fclose_w", fclose(f) == 0, "errno %d", errno);
    f = fopen("/stdio.txt", "r");
    CHECK("stdio_fopen_r", f != NULL, "errno %d", errno);
    if (!f)
        return;
    char line[64], want[64];
    int good = 0;
    for (int i = 0; i < 100 && fgets(line, sizeof line, f); i++) {
        snprintf(want, sizeof want, "line %d of stdio\n", i);
        good += strcmp(line, want) == 0;
    }
    CHECK("stdio_fgets_lines", good == 100, "%d of 100 lines right", good);
    CHECK("stdio_eof", fgets(line, sizeof line, f) == NULL && feof(f), "not at end");
    CHECK("stdio_fseek_ftell", fseek(f, 5, SEEK_SET) == 0 && ftell(f) == 5 && fgetc(f) == '0',
          "ftell %ld", ftell(f));
    fclose(f);
    f = fopen("/stdio.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    struct stat st;
    stat("/stdio.txt", &st);
    long want_size = 0;
    for (int i = 0; i < 100; i++)
        want_size += snprintf(want, sizeof want, "line %d of stdio\n", i);
    CHECK("stdio_append_size", st.st_size == want_size + 9, "size %ld want %ld",
          (long)st.st_size, want_size + 9);
    errno = 0;
    CHECK("stdio_fopen_ENOENT", fopen("/no/such", "r") == NULL && errno == ENOENT, "errno %d",
          errno);
    CHECK("stdio_remove", remove("/stdio.txt") == 0 && access("/stdio.txt", F_OK) == -1,
          "errno %d", errno);
    /* stdout stays the console. */
    CHECK("stdio_stdout_is_console", fstat(1, &st) == 0 && S_ISCHR(st.st_mode) && isatty(1),
          "mode %o", (unsigned)st.st_mode);
}

/* ---- directories and the cwd -------------------------------------------------------------------- */

static void test_dirs(void)
{
    mkdir("/ls", 0755);
    put_file("/ls/a", "1");
    put_file("/ls/bb", "22");
    put_file("/ls/ccc", "333");
    mkdir("/ls/sub", 0755);
    DIR *d = opendir("/ls");
    CHECK("dir_opendir", d != NULL, "errno %d", errno);
    if (!d)
        return;
    int seen = 0, n = 0, types_ok = 1;
    long second = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (n == 0)
            second = telldir(d);
        n++;
        int bit = strcmp(e->d_name, "a") == 0 ? 1 : strcmp(e->d_name, "bb") == 0 ? 2
                : strcmp(e->d_name, "ccc") == 0 ? 4 : strcmp(e->d_name, "sub") == 0 ? 8 : 16;
        seen |= bit;
        if ((bit == 8) != (e->d_type == DT_DIR) || e->d_namlen != strlen(e->d_name))
            types_ok = 0;
    }
    CHECK("dir_readdir_all", n == 4 && seen == 15, "%d entries, mask %x", n, seen);
    CHECK("dir_readdir_types", types_ok, "d_type or d_namlen wrong");
    rewinddir(d);
    int again = 0;
    while (readdir(d))
        again++;
    CHECK("dir_rewinddir", again == 4, "%d entries after rewind", again);
    seekdir(d, second);
    again = 0;
    while (readdir(d))
        again++;
    CHECK("dir_seekdir", again == 3, "%d entries after seekdir", again);
    struct stat st;
    CHECK("dir_dirfd_fstat", fstat(dirfd(d), &st) == 0 && S_ISDIR(st.st_mode) && st.st_size == 4,
          "mode %o size %ld", (unsigned)st.st_mode, (long)st.st_size);
    CHECK("dir_closedir", closedir(d) == 0, "errno %d", errno);

    char cwd[256];
    CHECK("cwd_initial", getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0, "cwd '%s'", cwd);
    CHECK("cwd_chdir", chdir("/ls/sub") == 0 && getcwd(cwd, sizeof cwd) &&
                           strcmp(cwd, "/ls/sub") == 0, "cwd '%s'", cwd);
    CHECK("cwd_relative_open", put_file("rel.txt", "r") == 0 && access("/ls/sub/rel.txt", F_OK) == 0,
          "errno %d", errno);
    CHECK("cwd_dotdot", chdir("..") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/ls") == 0 &&
                            access("sub/rel.txt", R_OK) == 0, "cwd '%s'", cwd);
    char *dyn = getcwd(NULL, 0);
    CHECK("cwd_getcwd_malloc", dyn && strcmp(dyn, "/ls") == 0, "got %s", dyn ? dyn : "NULL");
    free(dyn);
    chdir("/");
    unlink("/ls/sub/rel.txt");
    CHECK("dir_rmdir_after_emptying", rmdir("/ls/sub") == 0, "errno %d", errno);
}

static void test_romfs(void)
{
    char buf[64];
    memset(buf, 0, sizeof buf);
    int fd = open("/etc/hello.txt", O_RDONLY);
    CHECK("romfs_read", fd >= 0 && read(fd, buf, sizeof buf) == 28 &&
                            strcmp(buf, "Hello from the romfs image.\n") == 0, "got '%s'", buf);
    close(fd);
    struct stat st;
    CHECK("romfs_stat", stat("/etc/sub/nested.txt", &st) == 0 && S_ISREG(st.st_mode) &&
                            (st.st_mode & 0777) == 0444 && st.st_size == 12,
          "mode %o size %ld", (unsigned)st.st_mode, (long)st.st_size);
    CHECK("romfs_fstab_from_romfs", stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode) &&
                                        st.st_dev != 0, "no /tmp");
    int n = 0;
    DIR *d = opendir("/etc");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    CHECK("romfs_listing", n == 3, "%d entries in /etc", n);
}

/* ---- limits ----------------------------------------------------------------------------------- */

static void test_emfile(void)
{
    int fds[80], n = 0, e = 0;
    while (n < 80) {
        int fd = open("/d/f", O_RDONLY);
        if (fd < 0) {
            e = errno;
            break;
        }
        fds[n++] = fd;
    }
    printf("test_vfs_posix: %d descriptors open before EMFILE\n", n);
    CHECK("emfile", n > 50 && n < 80 && e == EMFILE, "%d opened, errno %d", n, e);
    while (n)
        close(fds[--n]);
    int fd = open("/d/f", O_RDONLY);
    CHECK("emfile_recovers", fd >= 3, "errno %d", errno);
    close(fd);
}

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint64_t fnv(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void test_enospc(void)
{
    enum { BIG = 1 << 20 };
    uint8_t *buf = malloc(BIG), *back = malloc(BIG);
    if (!buf || !back) {
        check_fail("enospc_alloc", "no memory");
        return;
    }
    for (size_t i = 0; i < BIG; i++)
        buf[i] = (uint8_t)next_rand();
    CHECK("enospc_keeper", put_file("/small/keep.txt", "keep me") == 0, "errno %d", errno);
    int fd = open("/small/fill", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ssize_t n = write(fd, buf, BIG);
    printf("test_vfs_posix: a 1 MiB write into the 256 KiB ramfs stored %ld bytes\n", (long)n);
    CHECK("enospc_short_write", n > 0 && n <= 256 * 1024, "wrote %ld", (long)n);
    errno = 0;
    ssize_t again = write(fd, buf, 4096);
    CHECK("enospc_ENOSPC", again == -1 && errno == ENOSPC, "returned %ld errno %d", (long)again,
          errno);
    struct stat st;
    CHECK("enospc_size_is_stored_bytes", fstat(fd, &st) == 0 && st.st_size == n, "size %ld",
          (long)st.st_size);
    CHECK("enospc_data_intact", pread(fd, back, BIG, 0) == n && memcmp(buf, back, (size_t)n) == 0,
          "data differs");
    char k[16] = { 0 };
    int kfd = open("/small/keep.txt", O_RDONLY);
    CHECK("enospc_other_file_intact", read(kfd, k, sizeof k) == 7 && strcmp(k, "keep me") == 0,
          "got '%s'", k);
    close(kfd);
    close(fd);
    CHECK("enospc_unlink", unlink("/small/fill") == 0, "errno %d", errno);
    fd = open("/small/again", O_WRONLY | O_CREAT, 0644);
    CHECK("enospc_space_back", write(fd, buf, 128 * 1024) == 128 * 1024, "errno %d", errno);
    close(fd);
    unlink("/small/again");
    free(buf);
    free(back);
}

static void test_big_file(void)
{
    enum { BIG = 1 << 20 };
    uint8_t *buf = malloc(BIG), *back = malloc(BIG);
    if (!buf || !back) {
        check_fail("big_alloc", "no memory");
        return;
    }
    for (size_t i = 0; i < BIG; i++)
        buf[i] = (uint8_t)next_rand();
    uint64_t sum = fnv(buf, BIG, 0xcbf29ce484222325ull);

    int fd = open("/big.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    uint64_t t0 = KnGetUpTimeNs();
    size_t done = 0, chunk = 100000;           /* not a multiple of the 64 KiB arena */
    while (done < BIG) {
        size_t n = BIG - done < chunk ? BIG - done : chunk;
        if (write(fd, buf + done, n) != (ssize_t)n)
            break;
        done += n;
    }
    uint64_t t1 = KnGetUpTimeNs();
    CHECK("big_write_1MiB", done == BIG, "wrote %lu", (unsigned long)done);
    CHECK("big_fsync", fsync(fd) == 0, "errno %d", errno);
    close(fd);
    struct stat st;
    CHECK("big_size", stat("/big.bin", &st) == 0 && st.st_size == BIG, "size %ld",
          (long)st.st_size);

    fd = open("/big.bin", O_RDONLY);
    memset(back, 0, BIG);
    uint64_t t2 = KnGetUpTimeNs();
    ssize_t got = read(fd, back, BIG);          /* one call: 16 arena-sized chunks */
    uint64_t t3 = KnGetUpTimeNs();
    CHECK("big_read_1MiB", got == BIG, "read %ld", (long)got);
    uint64_t back_sum = fnv(back, BIG, 0xcbf29ce484222325ull);
    CHECK("big_checksum", back_sum == sum, "checksum %016llx, wrote %016llx",
          (unsigned long long)back_sum, (unsigned long long)sum);
    /* Again in odd pieces, and some preads. */
    lseek(fd, 0, SEEK_SET);
    uint64_t h = 0xcbf29ce484222325ull;
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, back, 4093)) > 0) {
        h = fnv(back, (size_t)n, h);
        total += (size_t)n;
    }
    CHECK("big_checksum_odd_reads", total == BIG && h == sum, "%lu bytes", (unsigned long)total);
    int pre_ok = 1;
    for (int i = 0; i < 16; i++) {
        size_t off = next_rand() % BIG, len = 1 + next_rand() % 70000;
        if (off + len > BIG)
            len = BIG - off;
        if (pread(fd, back, len, (off_t)off) != (ssize_t)len || memcmp(back, buf + off, len))
            pre_ok = 0;
    }
    CHECK("big_pread_random", pre_ok, "a pread differs");
    close(fd);
    uint64_t wns = t1 - t0 ? t1 - t0 : 1, rns = t3 - t2 ? t3 - t2 : 1;
    printf("test_vfs_posix: 1 MiB write %llu us (%llu KiB/s), read %llu us (%llu KiB/s)\n",
           (unsigned long long)(wns / 1000), (unsigned long long)(1024ull * 1000000000ull / wns),
           (unsigned long long)(rns / 1000), (unsigned long long)(1024ull * 1000000000ull / rns));
    CHECK("big_unlink", unlink("/big.bin") == 0, "errno %d", errno);
    free(buf);
    free(back);
}

/* Round-trip cost of the smallest calls. */
static void test_latency(void)
{
    struct stat st;
    int fd = open("/d/f", O_RDONLY), ok = 1;
    char c;
    uint64_t t0 = KnGetUpTimeNs();
    for (int i = 0; i < 1000; i++)
        ok &= stat("/d/f", &st) == 0;
    uint64_t t1 = KnGetUpTimeNs();
    for (int i = 0; i < 1000; i++)
        ok &= pread(fd, &c, 1, 0) == 1;
    uint64_t t2 = KnGetUpTimeNs();
    close(fd);
    printf("test_vfs_posix: stat() %llu ns, 1-byte pread() %llu ns per call (1000 each)\n",
           (unsigned long long)((t1 - t0) / 1000), (unsigned long long)((t2 - t1) / 1000));
    CHECK("latency_calls_ok", ok, "a call failed");
}

static void test_release(void)
{
    int fd = open("/d/f", O_RDONLY);
    CHECK("release_call", vfs_client_release() == 0, "errno %d", errno);
    char c;
    errno = 0;
    CHECK("release_closed_remote_fds", read(fd, &c, 1) == -1 && errno == EBADF, "errno %d", errno);
    close(fd);
    fd = open("/d/f", O_RDONLY);
    CHECK("release_fresh_state", fd >= 0 && vfs_client_remote_fd(fd) == 0, "fd %d remote %d", fd,
          vfs_client_remote_fd(fd));
    char cwd[16];
    CHECK("release_cwd_reset", getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0, "cwd %s", cwd);
    close(fd);
}

int main(void)
{
    printf("test_vfs_posix: channel %s\n", vfs_client_channel_name());
    CHECK("channel_found", vfs_client_channel() != 0, "no VFS channel");
    run_table();
    test_contents();
    test_stdio();
    test_dirs();
    test_romfs();
    test_emfile();
    test_enospc();
    test_big_file();
    test_latency();
    test_release();
    return check_done("test_vfs_posix");
}
