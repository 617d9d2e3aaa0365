/*
 * test_vfs_limits_run: per-task memory limits and a ramfs size limit (docs/ABI.md, "Memory
 * limits"; docs/VFS.md). VfsFsnet runs with SERVER_PAGES and a SMALL_BYTES ramfs at /small;
 * test_vfs_hog takes all of its HOG_PAGES while test_vfs_limits works beside it.
 */
#include <vfs/defs.h>
#include "limits.h"
#include "vfs_launch.h"

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", "-l", "ramfs /small ramfs size=256k", NULL };
    const struct vfs_launch_client clients[] = {
        { "vfs_hog", "test_vfs_hog", _VFS_CONNECTION_ID, NULL, NULL },
        { "vfs_limits", "test_vfs_limits", _VFS_CONNECTION_ID, NULL, NULL },
    };
    const rtl_uint64_t pages[] = { HOG_PAGES, 0 };
    return vfs_launch_limited("test_vfs_limits_run", server_argv, SERVER_PAGES, clients, pages,
                              2);
}
