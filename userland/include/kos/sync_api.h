/* kos/sync_api.h: every libkos synchronization primitive in one include. */
#ifndef KOS_SYNC_API_H
#define KOS_SYNC_API_H

#include <kos/condvar.h>
#include <kos/event.h>
#include <kos/mutex.h>
#include <kos/rwlock.h>
#include <kos/semaphore.h>

#endif
