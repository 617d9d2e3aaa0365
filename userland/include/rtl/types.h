/*
 * rtl/types.h: the fixed-width type names the KasperskyOS user API uses
 * (rtl_uint32_t, rtl_bool, ...), as plain aliases of <stdint.h> types.
 * No functions here.
 */
#ifndef RTL_TYPES_H
#define RTL_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int8_t rtl_int8_t;
typedef int16_t rtl_int16_t;
typedef int32_t rtl_int32_t;
typedef int64_t rtl_int64_t;
typedef uint8_t rtl_uint8_t;
typedef uint16_t rtl_uint16_t;
typedef uint32_t rtl_uint32_t;
typedef uint64_t rtl_uint64_t;
typedef size_t rtl_size_t;
typedef uintptr_t rtl_uintptr_t;
typedef int rtl_bool;

#define rtl_true  1
#define rtl_false 0

/* A time as seconds + nanoseconds (KnGetUpTime, KnGetSystemTime). */
typedef struct RtlTimeSpec {
    rtl_int64_t sec;
    rtl_int64_t nsec;
} RtlTimeSpec;

#endif
