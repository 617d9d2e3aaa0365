/*
 * test_netsock_run: VfsFsnet (with the network) and test_netsock on "{VFS}";
 * exit status 0 when the client passed and VfsFsnet is still running.
 */
#include <vfs/defs.h>
#include "../vfs/vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const struct vfs_launch_client clients[] = {
        { "test_netsock", "test_netsock", _VFS_CONNECTION_ID, NULL, NULL },
    };
    return vfs_launch("test_netsock_run", server_argv, clients, 1);
}
