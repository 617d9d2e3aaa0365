/*
 * test_netsock_nodev_run: VfsFsnet booted without a network device and
 * "test_netsock nodev": sockets are ENETDOWN, files still work.
 */
#include <vfs/defs.h>
#include "../vfs/vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const char *argv[] = { "test_netsock", "nodev", NULL };
    const struct vfs_launch_client clients[] = {
        { "test_netsock", "test_netsock", _VFS_CONNECTION_ID, argv, NULL },
    };
    return vfs_launch("test_netsock_nodev_run", server_argv, clients, 1);
}
