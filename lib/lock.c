/* lock.c - the one-writer lock: flock() on FILE.lock, with the holder's pid written inside.
 *
 * flock() locks belong to the open file description, and the kernel drops
 * them when the holder dies, however it dies: a SIGKILLed indexer never
 * blocks the next night's run and no stale-lock cleanup is needed. The
 * lock file itself is never removed (removing it would let two processes
 * lock two different inodes of the same name). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "brief_indexer.h"
#include "internal.h"

struct brief_lock {
    int fd;
};

/* The pid the holder wrote, or 0 when it has not written it yet. */
static long read_holder(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

brief_status_t brief_lock_acquire(const char *db_path, double wait_seconds, brief_lock_t **out,
                                  long *holder_pid, char **errmsg)
{
    char *path;
    size_t n = strlen(db_path);
    int fd, len;
    double deadline = now_seconds() + (wait_seconds > 0 ? wait_seconds : 0);
    char pid[32];
    brief_lock_t *lock;

    *out = NULL;
    if (holder_pid != NULL)
        *holder_pid = 0;
    path = malloc(n + sizeof ".lock");
    if (path == NULL)
        return BRIEF_ERR_NOMEM;
    memcpy(path, db_path, n);
    memcpy(path + n, ".lock", sizeof ".lock");
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        int e = errno;
        brief_set_error(errmsg, "cannot open lock file '%s': %s", path, strerror(e));
        free(path);
        /* No such folder, or no right to write there: the configuration is
         * wrong, not the disk. */
        return e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM || e == EROFS
                   ? BRIEF_ERR_INVALID
                   : BRIEF_ERR_IO;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            brief_set_error(errmsg, "cannot lock '%s': %s", path, strerror(errno));
            close(fd);
            free(path);
            return BRIEF_ERR_IO;
        }
        if (now_seconds() >= deadline) {
            long holder = read_holder(fd);
            if (holder == 0) { /* it may be between flock() and write(): look again */
                usleep(20000);
                holder = read_holder(fd);
            }
            if (holder_pid != NULL)
                *holder_pid = holder;
            brief_set_error(errmsg, "'%s' is locked by another indexer (pid %ld)", db_path,
                            holder);
            close(fd);
            free(path);
            return BRIEF_ERR_LOCKED;
        }
        usleep(100000);
    }
    free(path);
    len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* The lock is held all the same; only the message of a rival suffers. */
    }
    lock = malloc(sizeof *lock);
    if (lock == NULL) {
        close(fd);
        return BRIEF_ERR_NOMEM;
    }
    lock->fd = fd;
    *out = lock;
    return BRIEF_OK;
}

void brief_lock_release(brief_lock_t *lock)
{
    if (lock == NULL)
        return;
    /* Emptying the file first, then closing the descriptor, which drops
     * the flock(). */
    if (ftruncate(lock->fd, 0) != 0) {
        /* a stale pid in the file is harmless */
    }
    close(lock->fd);
    free(lock);
}
