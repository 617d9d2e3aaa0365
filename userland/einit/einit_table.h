/*
 * The solution as Einit sees it: generated from init.yaml by tools/einit
 * into build/<platform>/solution/einit_table.c.
 */
#ifndef EINIT_TABLE_H
#define EINIT_TABLE_H

struct einit_task {
    const char *name;        /* task (instance) name */
    const char *cls;         /* security class (EDL name) */
    const char *program;     /* boot-image program */
    const char *const *argv; /* argc entries, argv[0] = task name */
    int argc;
    const char *const *envp; /* "KEY=VALUE" */
    int envc;
    int is_server; /* the target of some connection: not waited for */
    int priority;  /* main thread priority 0..31 (init.yaml `priority:`,
                      default THREAD_PRIORITY_DEFAULT = 15) */
    unsigned long long mem_pages; /* memory limit in pages (init.yaml `memory_limit:`);
                                     0: the kernel's default (docs/ABI.md) */
};

struct einit_connection {
    int client, server;  /* indices into tasks */
    const char *channel; /* channel name (the `id` of the connection) */
};

struct einit_table {
    const struct einit_task *tasks;
    int ntasks;
    const struct einit_connection *connections;
    int nconnections;
};

extern const struct einit_table einit_table;

#endif
