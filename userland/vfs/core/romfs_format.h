/*
 * VFS core: the romfs image layout, written by tools/mkromfs.py and read by romfs.c.
 * Describes bytes only (all integers little-endian, no alignment assumed); docs/VFS.md
 * has the same table. Bump ROMFS_VERSION on any change.
 *
 *   header (32 bytes at offset 0)
 *     0  magic        8  "KOSROMFS"
 *     8  version      u32 1
 *    12  header_size  u32 32
 *    16  image_size   u32 total bytes (<= the buffer handed to the reader)
 *    20  inode_count  u32 >= 1; inode 0 is the root directory
 *    24  inode_off    u32 offset of the inode table
 *    28  reserved     u32 0
 *   inode (16 bytes, inode_count of them at inode_off)
 *     0  mode         u32 VFS_S_IFDIR or VFS_S_IFREG | permission bits
 *     4  offset       u32 file: first data byte; directory: its first entry
 *     8  size         u32 file: bytes; directory: number of entries
 *    12  reserved     u32 0
 *   directory entry (12 bytes, `size` of them at the directory's offset)
 *     0  inode        u32 index into the inode table
 *     4  name_off     u32 offset of the name bytes (no NUL)
 *     8  name_len     u16 1..VFS_NAME_MAX, no '/' or NUL, not "." or ".."
 *    10  reserved     u16 0
 *   A directory's entries are sorted by name (bytewise, a prefix sorts first), no two equal.
 */
#ifndef VFS_CORE_ROMFS_FORMAT_H
#define VFS_CORE_ROMFS_FORMAT_H

#define ROMFS_MAGIC       "KOSROMFS"
#define ROMFS_MAGIC_LEN   8
#define ROMFS_VERSION     1
#define ROMFS_HDR_SIZE    32
#define ROMFS_INODE_SIZE  16
#define ROMFS_DIRENT_SIZE 12

#define ROMFS_HDR_VERSION     8
#define ROMFS_HDR_HDRSIZE     12
#define ROMFS_HDR_IMAGE_SIZE  16
#define ROMFS_HDR_INODE_COUNT 20
#define ROMFS_HDR_INODE_OFF   24
#define ROMFS_HDR_RESERVED    28

#define ROMFS_INO_MODE     0
#define ROMFS_INO_OFFSET   4
#define ROMFS_INO_SIZE     8
#define ROMFS_INO_RESERVED 12

#define ROMFS_DE_INODE    0
#define ROMFS_DE_NAME_OFF 4
#define ROMFS_DE_NAME_LEN 8
#define ROMFS_DE_RESERVED 10

#endif
