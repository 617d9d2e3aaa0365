/*
 * Retcode: the result of every system call and kernel service.
 * Names follow KasperskyOS; numeric values are this project's own (docs/ABI.md).
 * Shared by the kernel and user space: no kernel types here.
 */
#ifndef UAPI_RETCODE_H
#define UAPI_RETCODE_H

typedef int Retcode;

/* Success is 0, every failure is negative so `rc < 0` tests for any error. */
#define rcOk                  0
#define rcFail               (-1)   /* generic failure with no better code */
#define rcInvalidArgument    (-2)   /* bad argument, malformed message, bad user pointer */
#define rcNotConnected       (-3)   /* the other end of the IPC channel is gone */
#define rcOutOfMemory        (-4)   /* no physical memory or kernel objects left */
#define rcBufferTooSmall     (-5)   /* a receive buffer cannot hold the data */
#define rcInternalError      (-6)   /* kernel invariant broken (a bug: please report) */
#define rcTransferError      (-7)   /* a handle in a message could not be transferred */
#define rcReceiveError       (-8)   /* the message could not be received */
#define rcSourceFault        (-9)   /* reading the sender's buffer faulted */
#define rcTargetFault        (-10)  /* writing the receiver's buffer faulted */
#define rcIpcInterrupt       (-11)  /* the IPC wait was interrupted */
#define rcRestart            (-12)  /* retry the operation */
#define rcNoCapability       (-13)  /* the handle lacks the right for this operation */
#define rcNotReady           (-14)  /* the object is not ready yet */
#define rcUnimplemented      (-15)  /* no such call or method */
#define rcBufferTooLarge     (-16)  /* a size is over the documented maximum */
#define rcBusy               (-17)  /* the object is in use */
#define rcResourceNotFound   (-18)  /* no object with that name/id */
#define rcTimeout            (-19)  /* the timeout expired first */
#define rcSecurityDisallow   (-20)  /* the security module denied the operation */
#define rcFutexWouldBlock    (-21)  /* the futex word did not hold the expected value */
#define rcAbort              (-22)  /* the operation was aborted */
#define rcInvalidThreadState (-23)  /* the thread is not in a state that allows this */
#define rcAlreadyExists      (-24)  /* the object already exists */
#define rcInvalidOperation   (-25)  /* operation not valid for this object kind */
#define rcHandleRevoked      (-26)  /* the handle was revoked (or its object destroyed) */
#define rcQuotaExceeded      (-27)  /* a per-process limit was reached */
#define rcDeviceNotFound     (-28)  /* no such device */

#endif
