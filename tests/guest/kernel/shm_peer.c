/* shm_peer: the other task of test_shm; serves channel "shm" (shm_proto.h). */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <stdio.h>
#include <string.h>
#include "shm_proto.h"

static void read_buffer(Handle h, uint32_t *value)
{
    uint32_t type = 0, rights = 0;
    KnHandleInfo(h, &type, &rights);
    value[0] = rights;
    void *rw = NULL, *ro = NULL;
    value[1] = (uint32_t)KnPmmMdlMap(h, 0, KOS_PAGE_SIZE, &rw, VM_READ | VM_WRITE);
    value[2] = (uint32_t)KnPmmMdlMap(h, 0, KOS_PAGE_SIZE, &ro, VM_READ);
    uint32_t sum = 0;
    if (value[2] == rcOk) {
        const volatile uint32_t *w = ro;
        for (uint32_t i = 0; i < SHM_WORDS; i++)
            sum += w[i];
        KnPmmMdlUnmap(ro, KOS_PAGE_SIZE);
    }
    value[3] = sum;
    if (rw)
        KnPmmMdlUnmap(rw, KOS_PAGE_SIZE);
}

static Retcode write_buffer(Handle h, uint32_t base)
{
    void *p = NULL;
    Retcode rc = KnPmmMdlMap(h, 0, KOS_PAGE_SIZE, &p, VM_READ | VM_WRITE);
    if (rc)
        return rc;
    volatile uint32_t *w = p;
    for (uint32_t i = 0; i < SHM_WORDS; i++)
        w[i] = base + i;
    return KnPmmMdlUnmap(p, KOS_PAGE_SIZE);
}

static Retcode create_buffer(Handle *out)
{
    void *p = NULL;
    Retcode rc = KnPmmMdlCreate(2 * KOS_PAGE_SIZE, VM_READ | VM_WRITE, out);
    if (rc || (rc = KnPmmMdlMap(*out, 0, 2 * KOS_PAGE_SIZE, &p, VM_READ | VM_WRITE)))
        return rc;
    volatile uint32_t *w = p;
    for (uint32_t i = 0; i < 2 * SHM_WORDS; i++)
        w[i] = 0xC0DE0000u + i;
    return rcOk;                                /* stays mapped until the task ends */
}

static Retcode create_window(Handle *out)
{
    static uint32_t mem[3 * SHM_WORDS];
    uint32_t *w = mem + 25;                     /* 100 bytes in: not page-aligned */
    for (uint32_t i = 0; i < 2 * SHM_WORDS; i++)
        w[i] = 0xF00D0000u + i;
    return KnPmmMdlCreateWindow(w, 2 * KOS_PAGE_SIZE, VM_READ, out);
}

int main(void)
{
    Handle listener;
    if (KnChannelLookup("shm", SERVICE_SERVER, &listener)) {
        printf("shm_peer: no channel\n");
        return 1;
    }
    static struct shm_msg in, out;
    for (;;) {
        in.hdr.size = sizeof(in.value);
        Retcode rc = Recv(listener, &in.hdr);
        if (rc)
            return 2;
        if (in.hdr.mid == MSG_MID_DISCONNECT)
            continue;
        memset(&out, 0, sizeof(out));
        out.hdr.size = sizeof(out.value);
        Handle h = in.hdr.nhandles ? in.hdr.handles[0].handle : 0;
        switch (in.hdr.mid) {
        case SHM_READ:
            read_buffer(h, out.value);
            break;
        case SHM_WRITE:
            out.value[0] = (uint32_t)write_buffer(h, in.value[0]);
            break;
        case SHM_CREATE: {
            Handle b = 0;
            out.value[0] = (uint32_t)create_buffer(&b);
            if (out.value[0] == rcOk) {
                out.hdr.nhandles = 1;
                out.hdr.handles[0].handle = b;
                out.hdr.handles[0].rights = RIGHT_TRANSFER | RIGHT_MEM_READ | RIGHT_MEM_WRITE;
            }
            break;
        }
        case SHM_WINDOW: {
            Handle b = 0;
            out.value[0] = (uint32_t)create_window(&b);
            if (out.value[0] == rcOk) {
                out.hdr.nhandles = 1;
                out.hdr.handles[0].handle = b;
                out.hdr.handles[0].rights = RIGHT_MEM_READ;
            }
            break;
        }
        case SHM_EXIT:
            Reply(listener, &out.hdr);
            return 0;
        }
        if (h)
            KnHandleClose(h);
        Reply(listener, &out.hdr);
    }
}
