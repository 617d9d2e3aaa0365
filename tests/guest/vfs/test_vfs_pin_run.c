/*
 * test_vfs_pin_run: two writers and three readers of test_vfs_pin at once on one
 * VfsFsnet, each through its own channel. Exit status 0: every client passed and
 * VfsFsnet is still running.
 */
#include <vfs/defs.h>
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const char *w0[] = { "test_vfs_pin", "W0", NULL }, *w1[] = { "test_vfs_pin", "W1", NULL };
    const char *r0[] = { "test_vfs_pin", "R0", NULL }, *r1[] = { "test_vfs_pin", "R1", NULL };
    const char *r2[] = { "test_vfs_pin", "R2", NULL };
    const struct vfs_launch_client clients[] = {
        { "pin_w0", "test_vfs_pin", _VFS_CONNECTION_ID, w0, NULL },
        { "pin_w1", "test_vfs_pin", _VFS_CONNECTION_ID, w1, NULL },
        { "pin_r0", "test_vfs_pin", _VFS_CONNECTION_ID, r0, NULL },
        { "pin_r1", "test_vfs_pin", _VFS_CONNECTION_ID, r1, NULL },
        { "pin_r2", "test_vfs_pin", _VFS_CONNECTION_ID, r2, NULL },
    };
    return vfs_launch("test_vfs_pin_run", server_argv, clients, 5);
}
