/*
 * sys/dirent.h: the system half of <dirent.h> (picolibc's <dirent.h>
 * declares the functions and includes this). Directories are read through
 * the VFS client library (userland/lib/vfs); link it to use them.
 */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_DIR     4
#define DT_REG     8

struct dirent {
    ino_t d_ino;
    unsigned short d_reclen;        /* sizeof(struct dirent) */
    unsigned char d_type;           /* DT_DIR or DT_REG */
    unsigned char d_namlen;         /* bytes in d_name before the NUL (at most 64) */
    char d_name[256];
};

/* An open directory stream: opaque. */
typedef struct __kos_dir DIR;

#endif
