/*
 * Task life cycle: spawn from the boot image (ELF, stack with a guard page,
 * argv/envp, main thread), exit (every thread, page, page table, ASID and
 * handle released at once), and wait. When the first task (Einit) ends,
 * the system powers off with its status.
 */
#include <kernel/task.h>
#include <kernel/arch.h>
#include <kernel/bootimage.h>
#include <kernel/elf.h>
#include <kernel/lib.h>
#include <kernel/pmm.h>
#include <kernel/printk.h>
#include <kernel/security.h>
#include <kernel/kcall.h>
#include <kernel/notice.h>
#include <kernel/slab.h>
#include <arch/mmu.h>
#include <uapi/syscall.h>
#include <kl/core/Channel.idl.h>
#include <kl/core/Task.idl.h>

/* One limit per name: the kernel's buffers hold exactly what the kl.core IDL
 * lets a message carry (tools/einit and tools/psl read the same IDL values). */
_Static_assert(TASK_NAME_MAX == kl_core_Task_NameMax, "task names: kernel and kl.core.Task agree");
_Static_assert(SERVICE_NAME_MAX == kl_core_Channel_NameMax,
               "channel names: kernel and kl.core.Channel agree");

static uint64_t next_pid = 1;
static uint64_t ntasks;
static struct list_node all_tasks = LIST_INIT(all_tasks);

static void task_destroy(struct kobject *o)
{
    struct task *t = container_of(o, struct task, obj);
    security_release_sid(t->sid);           /* a task that never ran; 0 after task_release */
    t->sid = 0;
    vm_destroy(&t->vm);                     /* no-op when already released at exit */
    handle_table_destroy(&t->handles);
    kfree(t);
}

/* Lays out argc/argv/envp at the top of the stack; returns the new sp. */
static Retcode push_args(struct task *t, const struct task_args *a, uint64_t *sp_out,
                         uint64_t *argv_out, uint64_t *envp_out)
{
    uint64_t sp = USER_STACK_TOP;
    int n = a->argc + a->envc;
    uint64_t ptrs[2 * TASK_MAX_ARGS + 2];
    if (a->argc > TASK_MAX_ARGS || a->envc > TASK_MAX_ARGS)
        return rcBufferTooLarge;
    for (int i = n - 1; i >= 0; i--) {
        const char *s = i < a->argc ? a->argv[i] : a->envp[i - a->argc];
        size_t len = strlen(s) + 1;
        if (len > 4096)
            return rcBufferTooLarge;
        sp -= len;
        Retcode rc = copy_to_user(&t->vm, sp, s, len);
        if (rc)
            return rc;
        ptrs[i < a->argc ? i : i + 1] = sp;
    }
    ptrs[a->argc] = 0;                      /* argv terminator */
    ptrs[n + 1] = 0;                        /* envp terminator */
    sp = ALIGN_DOWN(sp - (uint64_t)(n + 2) * 8, 16);
    Retcode rc = copy_to_user(&t->vm, sp, ptrs, (size_t)(n + 2) * 8);
    if (rc)
        return rc;
    *argv_out = sp;
    *envp_out = sp + (uint64_t)(a->argc + 1) * 8;
    *sp_out = sp;
    return rcOk;
}

/* The last handle of a task that was created suspended and never started
 * is gone: nobody can ever start it or wait for it, so it ends now (it held
 * its pages, threads and handles for good otherwise). */
static void task_unreachable(struct kobject *o)
{
    struct task *t = container_of(o, struct task, obj);
    if (t->main_thread && t->state == TASK_ALIVE)
        task_exit(t, TASK_EXIT_FAULT);
}

static void copy_name(char *dst, const char *src)
{
    size_t n = strnlen(src, TASK_NAME_MAX - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

Retcode task_spawn(const struct task_args *a, struct task **out)
{
    const uint8_t *img;
    size_t img_size;
    uint32_t class_id, sid;
    Retcode rc = security_execute(a->parent, a->class_name, &class_id, &sid);
    if (rc)
        return rc;
    if ((rc = bootimage_find(a->program, &img, &img_size))) {
        security_release_sid(sid);
        return rc;
    }
    struct task *t = kmalloc(sizeof(*t));
    if (!t) {
        security_release_sid(sid);
        return rcOutOfMemory;
    }
    kobject_init(&t->obj, KOBJ_TASK, task_destroy);     /* the caller's reference */
    t->obj.last_handle = task_unreachable;
    copy_name(t->name, a->name);
    copy_name(t->class_name, a->class_name);
    t->class_id = class_id;
    t->sid = sid;                           /* released when it dies (or here, if it never runs) */
    list_init(&t->threads);
    wait_queue_init(&t->exit_waiters);
    list_init(&t->all_link);
    t->state = TASK_ALIVE;

    uint64_t entry, sp, argv, envp;
    if ((rc = vm_create(&t->vm))) {
        kobject_put(&t->obj);
        return rc;
    }
    t->vm.limit = a->mem_pages ? a->mem_pages : task_mem_default();   /* image and stack too */
    if ((rc = handle_table_init(&t->handles, HANDLE_QUOTA_DEFAULT)) ||
        (rc = kcall_install(t)) ||
        (rc = elf_load(&t->vm, img, img_size, &entry)) ||
        (rc = vm_reserve_guard(&t->vm, USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE, PAGE_SIZE))) {
        kobject_put(&t->obj);
        return rc;
    }
    uint64_t stack = USER_STACK_TOP - USER_STACK_SIZE;
    if ((rc = vm_alloc(&t->vm, &stack, USER_STACK_SIZE, VM_READ | VM_WRITE, true)) ||
        (rc = push_args(t, a, &sp, &argv, &envp))) {
        kobject_put(&t->obj);
        return rc;
    }
    struct thread *main = thread_create_user(t, entry, sp, (uint64_t)a->argc, 0, a->priority, &rc);
    if (!main) {
        kobject_put(&t->obj);
        return rc;
    }
    arch_frame_set_arg(main->frame, 1, argv);
    arch_frame_set_arg(main->frame, 2, envp);
    arch_frame_set_arg(main->frame, 3, 0);  /* startup info: none yet */
    t->pid = next_pid++;
    ntasks++;
    kobject_get(&t->obj);                   /* the "alive" reference, dropped at exit */
    list_add_tail(&all_tasks, &t->all_link);
    t->main_thread = main;
    if (!a->suspended)
        task_start(t);
    *out = t;
    return rcOk;
}

Retcode task_start(struct task *t)
{
    if (!t->main_thread || t->state != TASK_ALIVE)
        return rcInvalidThreadState;
    struct thread *main = t->main_thread;
    t->main_thread = NULL;
    thread_start(main);
    return rcOk;
}

/* Releases everything but the object itself; waiters learn the status. */
static void task_release(struct task *t)
{
    t->state = TASK_EXITED;
    t->main_thread = NULL;
    t->listener = NULL;
    handle_table_destroy(&t->handles);
    vm_destroy(&t->vm);
    list_del(&t->all_link);
    ntasks--;
    security_release_sid(t->sid);           /* its SID and model state die with it */
    t->sid = 0;
    wait_queue_wake(&t->exit_waiters, 0, rcOk);
    notice_post(&t->obj, EVENT_TASK_COMPLETED);
    kcall_cm_task_ended(t);
    if (t->pid == 1) {
        printk("kernel: init task '%s' exited with status %d\n", t->name, t->exit_status);
        arch_poweroff(t->exit_status);
    }
    kobject_put(&t->obj);                   /* drop the "alive" reference */
}

void task_finished(struct task *t)
{
    if (t->state == TASK_ALIVE)
        t->exit_status = 0;                 /* last thread returned without TaskExit */
    task_release(t);
}

void task_exit(struct task *t, int32_t status)
{
    if (t->state != TASK_ALIVE)
        return;
    t->state = TASK_EXITING;
    t->exit_status = status;
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &t->threads) {
        struct thread *th = list_entry(pos, struct thread, task_link);
        if (th != current)
            thread_kill(th);
    }
    if (current->task == t)
        thread_exit(status);                /* the last thread: releases the task */
    if (t->nthreads == 0)
        task_release(t);
}

uint64_t task_count(void) { return ntasks; }

uint64_t task_mem_default(void) { return pmm_total_count() / 2; }
