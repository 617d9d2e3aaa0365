/*
 * Client: the default solution's program. Does ordinary file work through
 * the C library, which forwards it to VfsFsnet over _VFS_CONNECTION_ID
 * (libvfs), and prints one line per step: write a file, read it back,
 * append, list a directory, read the romfs, remove the file, and try two
 * operations the policy forbids (pread, rename). Exit status 0 when every step
 * gave the expected result; Einit passes it on and the system powers off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_PATH  "/data"
#define FILE_PATH "/data/notes.txt"
#define LINE1     "first line, written with fprintf\n"
#define LINE2     "second line, appended with O_APPEND\n"

static int failures;

/* One result line: "Client: <step>: ok <detail>" or "... FAILED <detail>". */
static void step(const char *what, int ok, const char *detail)
{
    printf("Client: %-24s %s%s%s\n", what, ok ? "ok" : "FAILED", *detail ? " " : "", detail);
    failures += !ok;
}

static int read_all(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t n;
    while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    close(fd);
    return (int)got;
}

int main(void)
{
    char buf[256], detail[160];

    int rc = mkdir(DIR_PATH, 0755);
    snprintf(detail, sizeof detail, "(%s)", rc == 0 ? DIR_PATH : strerror(errno));
    step("mkdir " DIR_PATH, rc == 0, detail);

    FILE *f = fopen(FILE_PATH, "w");
    int wrote = f ? fprintf(f, "%s", LINE1) : -1;
    int closed = f ? fclose(f) : -1;
    snprintf(detail, sizeof detail, "(%d bytes)", wrote);
    step("write " FILE_PATH, f && wrote == (int)strlen(LINE1) && closed == 0, detail);

    f = fopen(FILE_PATH, "r");
    char *line = f ? fgets(buf, sizeof buf, f) : NULL;
    if (f)
        fclose(f);
    step("read back", line && strcmp(buf, LINE1) == 0, "(same bytes)");

    int fd = open(FILE_PATH, O_WRONLY | O_APPEND);
    ssize_t n = fd >= 0 ? write(fd, LINE2, strlen(LINE2)) : -1;
    if (fd >= 0)
        close(fd);
    struct stat st;
    int size_ok = stat(FILE_PATH, &st) == 0 && st.st_size == (off_t)(strlen(LINE1) + strlen(LINE2));
    int len = read_all(FILE_PATH, buf, sizeof buf);
    snprintf(detail, sizeof detail, "(size %lld)", size_ok ? (long long)st.st_size : -1LL);
    step("append", n == (ssize_t)strlen(LINE2) && size_ok && len > 0 &&
                       strcmp(buf, LINE1 LINE2) == 0, detail);

    DIR *d = opendir(DIR_PATH);
    int entries = 0, seen = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        entries++;
        seen |= strcmp(e->d_name, "notes.txt") == 0;
    }
    if (d)
        closedir(d);
    snprintf(detail, sizeof detail, "(%d entry: notes.txt%s)", entries, seen ? "" : " missing");
    step("list " DIR_PATH, d && entries == 1 && seen, detail);

    len = read_all("/etc/motd", buf, sizeof buf);
    buf[strcspn(buf, "\n")] = 0;
    snprintf(detail, sizeof detail, "(\"%.100s\")", len > 0 ? buf : strerror(errno));
    step("read romfs /etc/motd", len > 0 && strstr(buf, "romfs") != NULL, detail);

    fd = open("/etc/motd", O_WRONLY);
    int err = errno;
    if (fd >= 0)
        close(fd);
    snprintf(detail, sizeof detail, "(%s)", fd < 0 ? strerror(err) : "opened!");
    step("romfs is read-only", fd < 0 && err == EROFS, detail);

    /* The policy grants Read but no Pread: the refusal reaches pread() as
     * EACCES (audit line), like every call the policy refuses. */
    fd = open("/etc/motd", O_RDONLY);
    ssize_t got = fd >= 0 ? pread(fd, buf, 8, 0) : 0;
    err = errno;
    if (fd >= 0)
        close(fd);
    snprintf(detail, sizeof detail, "(%s)", got < 0 ? strerror(err) : "read!");
    step("pread (forbidden)", fd >= 0 && got < 0 && err == EACCES, detail);

    rc = unlink(FILE_PATH);
    int gone = stat(FILE_PATH, &st) < 0 && errno == ENOENT;
    step("remove " FILE_PATH, rc == 0 && gone, gone ? "(stat: ENOENT)" : "(still there)");

    /* The policy grants no Rename: the security module refuses the request
     * (audit line), the C library reports EACCES. */
    rc = rename(DIR_PATH, "/renamed");
    err = errno;
    snprintf(detail, sizeof detail, "(%s)", rc < 0 ? strerror(err) : "renamed!");
    step("rename (forbidden)", rc < 0 && err == EACCES, detail);

    printf("Client: %s\n", failures ? "FAILED" : "all steps done");
    return failures ? 1 : 0;
}
