/*
 * coresrv/ns/ns_api.h: the name server (KasperskyOS Ns*). The kernel keeps
 * the names (kl.core.Cm): NsCreate only checks that it is reachable. A
 * service is (type, server, service); (server, service) is unique; a task's
 * names are unpublished when it ends. docs/ABI.md, "Dynamic channels".
 */
#ifndef CORESRV_NS_NS_API_H
#define CORESRV_NS_NS_API_H

#include <coresrv/cm/cm_api.h>

typedef rtl_uint32_t NsHandle;

/* name: NULL or "kl.core" (the kernel's name server); msecs unused. */
Retcode NsCreate(const char *name, rtl_uint32_t msecs, NsHandle *ns);
/* rcAlreadyExists: (server, service) is published (by anybody);
 * rcQuotaExceeded: 64 services are published. */
Retcode NsPublishService(NsHandle ns, const char *type, const char *server, const char *service);
/* Only the publisher may (else rcResourceNotFound); waiting Connects: rcNotConnected. */
Retcode NsUnPublishService(NsHandle ns, const char *type, const char *server, const char *service);
/* The index-th service of `type` (NULL or "" = any): rcResourceNotFound past
 * the end; rcBufferTooSmall when a name does not fit its buffer. */
Retcode NsEnumServices(NsHandle ns, const char *type, unsigned index, char *server,
                       rtl_size_t serverSize, char *service, rtl_size_t serviceSize);

#endif
