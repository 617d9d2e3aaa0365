/*
 * test_vfs_pull_run: test_vfs_pull against its own VfsFsnet. Exit status 0: the
 * client passed and VfsFsnet is still running.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const char *argv[] = { "test_vfs_pull", NULL };
    const struct vfs_launch_client clients[] = {
        { "pull", "test_vfs_pull", _VFS_CONNECTION_ID, argv, NULL },
    };
    return vfs_launch("test_vfs_pull_run", server_argv, clients, 1);
}
