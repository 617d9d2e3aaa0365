/*
 * test_vfs_posix_run: the launcher of test_vfs_posix. VfsFsnet mounts its
 * romfs fstab (romfs at /etc, a 4 MiB ramfs at /tmp) and a 256 KiB ramfs at
 * /small; test_vfs_posix reaches it through channel "{VFS}" (the default,
 * _VFS_CONNECTION_ID). Exit status 0: the client passed and VfsFsnet lives.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", "-f", "fstab", "-l", "ramfs /small ramfs size=256k",
                                  NULL };
    const struct vfs_launch_client client = { "test_vfs_posix", "test_vfs_posix",
                                              _VFS_CONNECTION_ID, NULL, NULL };
    return vfs_launch("test_vfs_posix_run", server_argv, &client, 1);
}
