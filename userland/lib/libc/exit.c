/* _exit: the end of exit() (after atexit handlers and destructors): TaskExit. */
#include <coresrv/task/task_api.h>
#include <unistd.h>

void _exit(int status)
{
    KnTaskExit(status);
}
