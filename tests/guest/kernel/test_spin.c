/*
 * test_spin: preemption. A thread at the main thread's priority spins
 * forever; the main thread still wakes from its sleeps and prints five
 * lines, and the spinner makes progress in between. Returning from main
 * ends the task, spinner included.
 */
#include <kos/thread.h>
#include <stdio.h>
#include "../check.h"

static volatile unsigned long spins;

static int spin(void *ctx)
{
    (void)ctx;
    for (;;)
        spins++;
    return 0;
}

int main(void)
{
    CHECK_RC("main_priority_normal", KosThreadSetPriority(KosThreadCurrentId(), ThreadPriorityNormal),
             rcOk);
    Tid t;
    Retcode rc = KosThreadCreate(&t, ThreadPriorityNormal, 0, spin, NULL, 0);
    CHECK_RC("spinner_created", rc, rcOk);
    unsigned long last = 0;
    int stalled = 0;
    for (int i = 1; i <= 5; i++) {
        KosThreadSleep(30);
        unsigned long now = spins;
        printf("test_spin: tick %d (spinner at %lu)\n", i, now);
        if (i > 1 && now == last)
            stalled++;
        last = now;
    }
    CHECK("spinner_progresses", rc == rcOk && stalled == 0 && last > 0,
          "spinner stalled in %d of 4 intervals", stalled);
    return check_done("test_spin");
}
