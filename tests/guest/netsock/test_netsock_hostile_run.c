/* test_netsock_hostile_run: VfsFsnet and test_netsock_hostile on "{VFS}"; exit status 0
 * when the client passed and VfsFsnet is still running. */
#include <vfs/defs.h>
#include "../vfs/vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    const struct vfs_launch_client clients[] = {
        { "test_netsock_hostile", "test_netsock_hostile", _VFS_CONNECTION_ID, NULL, NULL },
    };
    return vfs_launch("test_netsock_hostile_run", server_argv, clients, 1);
}
