/* hello: the first program: prints a greeting, its arguments and environment. */
#include <stdio.h>
#include "../check.h"

int main(int argc, char **argv, char **envp)
{
    printf("Hello world!\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    int envc = 0;
    for (; envp && envp[envc]; envc++)
        printf("env[%d] = %s\n", envc, envp[envc]);
    printf("argc = %d, envc = %d\n", argc, envc);
    CHECK("argv_terminated", argc >= 0 && argv && argv[argc] == NULL, "argv[argc] is not NULL");
    return check_done("hello");
}
