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
    uint32_t h = 0;
    struct kl_core_Cm_proxy p = kcall_cm();
    rc = kl_core_Cm_Connect(&p, server, service, ns_of(msecs), &h);
    *handle = rc == rcOk ? h : 0;
    return rc;
}

Retcode KnCmListen(const char *filter, rtl_uint32_t msecs, char *client, char *service)
{
    Retcode rc;
    if (!client || !service)
        return rcInvalidArgument;
    if ((rc = name_ok(&filter)))
        return rc;
    uint8_t c[KN_CM_NAME_MAX] = { 0 }, s[KN_CM_NAME_MAX] = { 0 };
    struct kl_core_Cm_proxy p = kcall_cm();
    rc = kl_core_Cm_Listen(&p, filter, ns_of(msecs), c, s);
    copy_out(client, c);
    copy_out(service, s);
    return rc;
}

Retcode KnCmAcceptEx(const char *client, const char *service, Handle *listener,
                     Handle *connection, rtl_uint32_t *badge)
{
    Retcode rc;
    if ((rc = name_ok(&client)) || (rc = name_ok(&service)))
        return rc;
    uint32_t l = 0, c = 0, b = 0;
    struct kl_core_Cm_proxy p = kcall_cm();
    rc = kl_core_Cm_Accept(&p, client, service, &l, &c, &b);
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
    struct kl_core_Cm_proxy p = kcall_cm();
    return kl_core_Cm_Drop(&p, client, service);
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
    struct kl_core_Cm_proxy p = kcall_cm();
    return kl_core_Cm_Publish(&p, type, server, service);
}

Retcode NsUnPublishService(NsHandle ns, const char *type, const char *server, const char *service)
{
    Retcode rc;
    if (ns != 1)
        return rcInvalidArgument;
    if ((rc = name_ok(&type)) || (rc = name_ok(&server)) || (rc = name_ok(&service)))
        return rc;
    struct kl_core_Cm_proxy p = kcall_cm();
    return kl_core_Cm_Unpublish(&p, type, server, service);
}

Retcode NsEnumServices(NsHandle ns, const char *type, unsigned index, char *server,
                       rtl_size_t serverSize, char *service, rtl_size_t serviceSize)
{
    Retcode rc;
    if (ns != 1 || !server || !service)
        return rcInvalidArgument;
    if ((rc = name_ok(&type)))
        return rc;
    uint8_t a[KN_CM_NAME_MAX] = { 0 }, b[KN_CM_NAME_MAX] = { 0 };
    struct kl_core_Cm_proxy p = kcall_cm();
    if ((rc = kl_core_Cm_Enum(&p, type, index, a, b)))
        return rc;
    if (strnlen((char *)a, sizeof a) >= serverSize || strnlen((char *)b, sizeof b) >= serviceSize)
        return rcBufferTooSmall;
    strcpy(server, (char *)a);
    strcpy(service, (char *)b);
    return rcOk;
}
