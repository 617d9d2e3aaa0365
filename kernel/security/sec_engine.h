/*
 * The security module's decision engine: portable, freestanding C over the
 * tables tools/psl generates (sec_tables.h). No allocation, no locks; every
 * decision is bounded. kernel/security_hook.c is its only kernel user; the
 * host test (tests/host/test_sec_engine.c) runs it under ASan/UBSan.
 */
#ifndef SEC_ENGINE_H
#define SEC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sec_tables.h"

enum sec_event { SEC_EV_EXECUTE, SEC_EV_REQUEST, SEC_EV_RESPONSE, SEC_EV_ERROR, SEC_EV_SECURITY };

#define SEC_CLASS_NONE 0xFFFFFFFFu /* a class the policy does not know */

/*
 * A subject of a decision: its class id (low 32 bits) and its SID (high 32
 * bits). A SID (security identifier) names one running task to the security
 * models: 0 is the kernel, tasks get 1 .. SEC_SID_MAX-1 when they are
 * executed and give it back when they die (sec_release_sid). Only model
 * rules read the SID (`src_sid`, `dst_sid`); a plain class id converts to a
 * subject with SID 0. The kernel keeps both in one 64-bit word of the task,
 * so a decision loads them with one load.
 */
typedef uint64_t sec_subject_t;
#define SEC_SUBJECT(class_id, sid) (((uint64_t)(sid) << 32) | (uint32_t)(class_id))
#define SEC_MID_UNKNOWN            0xFFFFFFFFu /* error event whose request method is not known */

/* What the engine looks at in a message (the kernel's checked copy). For
 * a response or an error, riid/mid are those of the request; the error
 * body is the 4-byte Retcode. */
struct sec_message {
    uint32_t riid, mid;
    uint32_t size; /* constant part bytes at data */
    uint32_t arena_size;
    uint32_t nhandles;
    const uint8_t *data;
};

/* Why a decision came out as it did (sec_result.code). */
enum sec_reason {
    SEC_R_GRANTED = 0,    /* every rule that ran granted */
    SEC_R_NO_BINDING,     /* no binding matched, or none of its rules ran */
    SEC_R_DENIED_BY_RULE, /* deny (), deny (c) with c true, assert (c) with c false */
    SEC_R_MALFORMED,      /* the message does not fit the method's layout */
    SEC_R_UNKNOWN_CLASS,  /* src or dst is not a class of the policy */
    SEC_R_POLICY_ERROR    /* corrupt tables or bad arguments: deny */
};

struct sec_result {
    bool granted;   /* == (code == SEC_R_GRANTED) */
    bool malformed; /* == (code == SEC_R_MALFORMED) */
    enum sec_reason code;
    const char *reason;     /* why denied, as text (NULL when granted):
                               "no_binding", "assert at security.psl:14:5", ... */
    const char *endpoint;   /* endpoint path of the method, NULL if none / unknown */
    const char *method;     /* method name, NULL if none / unknown */
    sec_subject_t src, dst; /* the decision's subjects (model rules read their SIDs) */
};

/* Every function below is total: any input (class ids out of range, a NULL
 * message, corrupt tables that pass sec_tables_check) gives a
 * decision, never a read outside the tables or outside m->data[0 .. m->size). */

/* Tables with the right magic and version? */
bool sec_tables_valid(const struct sec_tables *t);
/* The id of class `name`, or SEC_CLASS_NONE. */
uint32_t sec_class_find(const struct sec_tables *t, const char *name);
const char *sec_class_name(const struct sec_tables *t, uint32_t class_id);
const char *sec_event_name(enum sec_event ev);

/* May a task of class src start a task of class dst? (src: core_class for the kernel;
 * dst == core_class is always unknown_class: no task has the kernel's class) */
bool sec_decide_execute(const struct sec_tables *t, sec_subject_t src, sec_subject_t dst,
                        struct sec_result *r);
/* Request (dst = server class), response and error (src = server class) and
 * security (dst ignored) events. The message is validated against the
 * method's layout first: a malformed message is denied before any rule. */
bool sec_decide_ipc(const struct sec_tables *t, enum sec_event ev, sec_subject_t src,
                    sec_subject_t dst, const struct sec_message *m, struct sec_result *r);
/* Either of the above by event: m is ignored for SEC_EV_EXECUTE. */
bool sec_decide(const struct sec_tables *t, enum sec_event ev, sec_subject_t src, sec_subject_t dst,
                const struct sec_message *m, struct sec_result *r);
/* The checks made once, when the tables are loaded, that decisions then rely
 * on: valid magic and version, every program inside insns[] and not empty,
 * the model objects well formed (pointers set, 1..SEC_FLOW_STATES_MAX
 * states, transitions only to existing states, pools within SEC_SID_MAX).
 * The kernel panics at boot when they fail. */
bool sec_tables_check(const struct sec_tables *t);
/* The task with this SID died: every model's state for it is dropped (its
 * Flow state machines, its HashSet tables go back to their pools). */
void sec_release_sid(const struct sec_tables *t, uint32_t sid);
/* The structure check alone (sec_decide_ipc runs it before any rule): 0 when
 * m fits layout l, else -1 with *reason set ("malformed: ..."). Checks the
 * exact constant part size, union tags, arena descriptors (inside
 * m->arena_size, aligned, whole elements, at most the maximum, a string not
 * empty), handle slots (< m->nhandles) and the handle count (m->nhandles at
 * most the layout's handle fields). */
int sec_check_layout(const struct sec_msg_layout *l, const struct sec_message *m,
                     const char **reason);
/* The receiver's half of the check, once the arena is there (dispatchers,
 * after sec_check_layout accepted m): every string present ends with its
 * only NUL. 0, or -1. The kernel decides before the arena is copied and
 * leaves this to the receiver. */
int sec_check_strings(const struct sec_msg_layout *l, const struct sec_message *m,
                      const uint8_t *arena);
const char *sec_reason_name(enum sec_reason code);
/* The binding behind a denial's reason text (sec_result.reason), for the audit
 * line: "request binding at security.psl:9:1", or NULL (no binding decided:
 * no_binding, malformed, ...). A linear search: call it only to print. */
const char *sec_reason_origin(const struct sec_tables *t, const char *reason);

#endif
