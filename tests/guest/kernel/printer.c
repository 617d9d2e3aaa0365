/*
 * printer <text> [status]: prints "<text> <i>" 20 times with short sleeps,
 * then exits with `status` (default 0). test_spawn starts two at once.
 */
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "printer";
    int status = argc > 2 ? atoi(argv[2]) : 0;
    for (int i = 0; i < 20; i++) {
        printf("%s %d\n", text, i);
        KosThreadSleep(5);
    }
    printf("%s: done, exit status %d\n", text, status);
    return status;
}
