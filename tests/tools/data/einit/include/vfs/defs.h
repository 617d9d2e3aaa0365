/* A copy of userland/include/vfs/defs.h for tests/tools/test_einit_tool.py
 * (KasperskyOS: sysroot-*-kos/include/vfs/defs.h). */
#ifndef VFS_DEFS_H
#define VFS_DEFS_H

/* The channel between a program and the VFS serving both files and network. */
#define _VFS_CONNECTION_ID "{VFS}"

#endif
