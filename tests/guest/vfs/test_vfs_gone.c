/*
 * test_vfs_gone: a VFS client that vanishes. Opens a file (a descriptor and a
 * client slot in VfsFsnet) and leaves with _exit, so libvfs's Release never
 * runs: only the kernel's disconnect notice tells VfsFsnet it is gone.
 * Exit status 0 when the open worked, 1 when it did not.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    char path[64];
    snprintf(path, sizeof path, "/gone_%s", argc > 1 ? argv[1] : "x");
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0)
        perror(path);
    _exit(fd >= 0 ? 0 : 1);
}
