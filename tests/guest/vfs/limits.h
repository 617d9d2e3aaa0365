/* Memory limits of test_vfs_limits_run, shared by its launcher and clients. */
#ifndef TESTS_VFS_LIMITS_H
#define TESTS_VFS_LIMITS_H

#define HOG_PAGES   1024u           /* test_vfs_hog: 4 MiB */
#define SERVER_PAGES 4096u          /* VfsFsnet: 16 MiB, program and heap included */
#define SMALL_BYTES (256u * 1024)   /* the ramfs at /small (size=256k) */

#endif
