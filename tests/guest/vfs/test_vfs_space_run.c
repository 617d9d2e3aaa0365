/*
 * test_vfs_space_run: the launcher of test_vfs_space. VfsFsnet runs with no memory limit
 * (a limit above the RAM), so its root ramfs can take every free page of the machine.
 * "-n off": no network start-up running beside the measurements.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", "-n", "off", NULL };
    const struct vfs_launch_client client = { "test_vfs_space", "test_vfs_space",
                                              _VFS_CONNECTION_ID, NULL, NULL };
    return vfs_launch_limited("test_vfs_space_run", server_argv, ~0ull, &client, NULL, 1);
}
