/*
 * test_vfs_hostile_run: the launcher of test_vfs_hostile (VfsFsnet with its
 * default ramfs at / only, channel "{VFS}"). Exit status 0: the hostile
 * client's checks passed and VfsFsnet is still running afterwards.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const struct vfs_launch_client client = { "test_vfs_hostile", "test_vfs_hostile",
                                              _VFS_CONNECTION_ID, NULL, NULL };
    return vfs_launch("test_vfs_hostile_run", server_argv, &client, 1);
}
