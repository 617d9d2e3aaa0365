/* Dynamic channels and the name server: coresrv/cm/cm_api.h and
 * coresrv/ns/ns_api.h over kl.core.Cm. */
#include <coresrv/cm/cm_api.h>
#include <coresrv/ns/ns_api.h>
#include <string.h>
#include "kcall.h"

/* A name argument: NULL is "", too long is rcBufferTooLarge (the kernel
 * would refuse it as malformed: say so before the call). */
static Retcode name_ok(const char **s)
{
    if (!*s)
        *s = "";
    return strnlen(*s, KN_CM_NAME_MAX) < KN_CM_NAME_MAX ? rcOk : rcBufferTooLarge;
}

static uint64_t ns_of(rtl_uint32_t msecs)
{
    return msecs == KN_CM_INFINITE ? INFINITE_TIMEOUT : (uint64_t)msecs * 1000000u;
}

/* The request arena of a Cm call: up to three names, each within NameMax. */
#define CM_ARENA(m) char buf_[kl_core_Cm_##m##_req_arena_size]; \
    struct nk_arena arena_ = NK_ARENA_INITIALIZER(buf_, buf_ + sizeof buf_)
#define CM_PUT(field, s) kcall_put_string(&arena_, &req.field, (s), kl_core_Cm_NameMax)

static void copy_out(char *dst, const uint8_t *src)
{
    memcpy(dst, src, KN_CM_NAME_MAX);
    dst[KN_CM_NAME_MAX - 1] = '\0';
}

Retcode KnCmConnect(const char *server, const char *service, rtl_uint32_t msecs, Handle *handle)
{
    Retcode rc;
    if (!handle)
        return rcInvalidArgument;
    *handle = 0;
    if ((rc = name_ok(&server)) || (rc = name_ok(&service)))
        return rc;
    CM_ARENA(Connect);
    kl_core_Cm_Connect_req req = { .timeoutNs = ns_of(msecs) };
    kl_core_Cm_Connect_res res;
    if ((rc = CM_PUT(server, server)) || (rc = CM_PUT(service, service)))
        return rc;
    rc = KCALL_ARENA(Cm, cm, Connect, &req, &arena_, &res);
    *handle = rc == rcOk ? res.handle : 0;
    return rc;
}

Retcode KnCmListen(const char *filter, rtl_uint32_t msecs, char *client, char *service)
{
    Retcode rc;
    if (!client || !service)
        return rcInvalidArgument;
    if ((rc = name_ok(&filter)))
        return rc;
    CM_ARENA(Listen);
    kl_core_Cm_Listen_req req = { .timeoutNs = ns_of(msecs) };
    kl_core_Cm_Listen_res res;
    if ((rc = CM_PUT(filter, filter)))
        return rc;
    rc = KCALL_ARENA(Cm, cm, Listen, &req, &arena_, &res);
    if (rc != rcOk)
        memset(&res, 0, sizeof res);
    copy_out(client, res.client);
    copy_out(service, res.service);
    return rc;
}

Retcode KnCmAcceptEx(const char *client, const char *service, Handle *listener,
                     Handle *connection, rtl_uint32_t *badge)
{
    Retcode rc;
    if ((rc = name_ok(&client)) || (rc = name_ok(&service)))
        return rc;
    CM_ARENA(Accept);
    kl_core_Cm_Accept_req req;
    kl_core_Cm_Accept_res res;
    if ((rc = CM_PUT(client, client)) || (rc = CM_PUT(service, service)))
        return rc;
    rc = KCALL_ARENA(Cm, cm, Accept, &req, &arena_, &res);
    uint32_t l = rc == rcOk ? res.listener : 0, c = rc == rcOk ? res.connection : 0,
             b = rc == rcOk ? res.badge : 0;
    if (listener)
        *listener = l;
    if (connection)
        *connection = c;
    if (badge)
        *badge = b;
    return rc;
}

Retcode KnCmAccept(const char *client, const char *service, rtl_uint32_t rsid, Handle listener,
                   Handle *handle)
{
    (void)rsid;
    if (!handle)
        return rcInvalidArgument;
    Handle l = 0;
    Retcode rc = KnCmAcceptEx(client, service, &l, NULL, NULL);
    if (rc == rcOk && listener != INVALID_HANDLE && listener != l)
        rc = rcInvalidArgument;            /* the channel went to the caller's one listener */
    *handle = l;
    return rc;
}

Retcode KnCmDrop(const char *client, const char *service)
{
    Retcode rc;
    if ((rc = name_ok(&client)) || (rc = name_ok(&service)))
        return rc;
    CM_ARENA(Drop);
    kl_core_Cm_Drop_req req;
    kl_core_Cm_Drop_res res;
    if ((rc = CM_PUT(client, client)) || (rc = CM_PUT(service, service)))
        return rc;
    return KCALL_ARENA(Cm, cm, Drop, &req, &arena_, &res);
}

Retcode NsCreate(const char *name, rtl_uint32_t msecs, NsHandle *ns)
{
    (void)msecs;
    if (!ns)
        return rcInvalidArgument;
    if (name && name[0] && strcmp(name, "kl.core") != 0)
        return rcResourceNotFound;
    *ns = 1;
    return rcOk;
}

Retcode NsPublishService(NsHandle ns, const char *type, const char *server, const char *service)
{
    Retcode rc;
    if (ns != 1)
        return rcInvalidArgument;
    if ((rc = name_ok(&type)) || (rc = name_ok(&server)) || (rc = name_ok(&service)))
        return rc;
    CM_ARENA(Publish);
    kl_core_Cm_Publish_req req;
    kl_core_Cm_Publish_res res;
    if ((rc = CM_PUT(type, type)) || (rc = CM_PUT(server, server)) || (rc = CM_PUT(service, service)))
        return rc;
    return KCALL_ARENA(Cm, cm, Publish, &req, &arena_, &res);
}

Retcode NsUnPublishService(NsHandle ns, const char *type, const char *server, const char *service)
{
    Retcode rc;
    if (ns != 1)
        return rcInvalidArgument;
    if ((rc = name_ok(&type)) || (rc = name_ok(&server)) || (rc = name_ok(&service)))
        return rc;
    CM_ARENA(Unpublish);
    kl_core_Cm_Unpublish_req req;
    kl_core_Cm_Unpublish_res res;
    if ((rc = CM_PUT(type, type)) || (rc = CM_PUT(server, server)) || (rc = CM_PUT(service, service)))
        return rc;
    return KCALL_ARENA(Cm, cm, Unpublish, &req, &arena_, &res);
}

Retcode NsEnumServices(NsHandle ns, const char *type, unsigned index, char *server,
                       rtl_size_t serverSize, char *service, rtl_size_t serviceSize)
{
    Retcode rc;
    if (ns != 1 || !server || !service)
        return rcInvalidArgument;
    if ((rc = name_ok(&type)))
        return rc;
    CM_ARENA(Enum);
    kl_core_Cm_Enum_req req = { .index = index };
    kl_core_Cm_Enum_res res;
    if ((rc = CM_PUT(type, type)))
        return rc;
    if ((rc = KCALL_ARENA(Cm, cm, Enum, &req, &arena_, &res)))
        return rc;
    uint8_t a[KN_CM_NAME_MAX], b[KN_CM_NAME_MAX];
    copy_out((char *)a, res.server);
    copy_out((char *)b, res.service);
    if (strnlen((char *)a, sizeof a) >= serverSize || strnlen((char *)b, sizeof b) >= serviceSize)
        return rcBufferTooSmall;
    strcpy(server, (char *)a);
    strcpy(service, (char *)b);
    return rcOk;
}
