/*
 * test_vfs_big_run: the launcher of test_vfs_big (large reads and writes through
 * windows). VfsFsnet with its root ramfs only ("-n off": no network start-up).
 * Exit status 0: the client passed and VfsFsnet lives.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", "-n", "off",
                                  NULL };
    const struct vfs_launch_client client = { "test_vfs_big", "test_vfs_big",
                                              _VFS_CONNECTION_ID, NULL, NULL };
    return vfs_launch("test_vfs_big_run", server_argv, &client, 1);
}
