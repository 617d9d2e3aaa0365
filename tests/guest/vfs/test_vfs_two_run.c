/*
 * test_vfs_two_run: two instances of test_vfs_two at once on one VfsFsnet,
 * each through its own channel: A on "{VFS}" (the default), B on "vfs.alt"
 * named by VFS_FILESYSTEM_BACKEND=client:vfs.alt. Exit status 0: both
 * passed and VfsFsnet is still running.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const char *argv_a[] = { "test_vfs_two", "A", NULL };
    const char *argv_b[] = { "test_vfs_two", "B", NULL };
    const char *env_b[] = { "VFS_FILESYSTEM_BACKEND=client:vfs.alt", NULL };
    const struct vfs_launch_client clients[] = {
        { "vfs_two_a", "test_vfs_two", _VFS_CONNECTION_ID, argv_a, NULL },
        { "vfs_two_b", "test_vfs_two", "vfs.alt", argv_b, env_b },
    };
    return vfs_launch("test_vfs_two_run", server_argv, clients, 2);
}
