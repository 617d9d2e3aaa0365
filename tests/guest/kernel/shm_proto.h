/* The protocol between test_shm and shm_peer (channel "shm", raw messages). */
#ifndef SHM_PROTO_H
#define SHM_PROTO_H

#include <coresrv/syscalls.h>
#include <stdint.h>

enum {
    SHM_READ = 0,     /* handles[0]: a buffer. Replies: its rights, Map RW rc, Map RO rc,
                         sum of the first page's words (mapped read-only) */
    SHM_WRITE = 1,    /* handles[0]: a buffer; writes word i = value[0] + i over page 0 */
    SHM_CREATE = 2,   /* creates a 2-page buffer, maps it, writes 0xC0DE0000 + i, keeps
                         the mapping, replies with the handle (read-write) */
    SHM_EXIT = 3,     /* replies, then the peer ends */
    SHM_WINDOW = 4,   /* creates a window (read-only) on 2 pages of its memory from an
                         unaligned start, word i = 0xF00D0000 + i, replies with it */
};

#define SHM_WORDS 1024u   /* words in a page */

struct shm_msg {
    SMsgHdr hdr;
    uint32_t value[8];
};

#endif
