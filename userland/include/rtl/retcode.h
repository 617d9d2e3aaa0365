/*
 * rtl/retcode.h: Retcode and the rc* codes (KasperskyOS path), which are
 * the kernel's (kernel/uapi/retcode.h), plus the rtl helpers over them.
 */
#ifndef RTL_RETCODE_H
#define RTL_RETCODE_H

#include <uapi/retcode.h>

#define RC_SUCCEEDED(rc) ((rc) == rcOk)
#define RC_FAILED(rc)    ((rc) != rcOk)

#endif
