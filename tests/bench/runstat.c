/* runstat.c - runs a command and prints its wall time, CPU time and peak RSS (for make bench).
 *
 *   runstat [-i FILE] [-o FILE] [-e FILE] -- CMD ARG...
 *
 * Prints one line on standard output after the command
 * ended: "wall=S user=S sys=S maxrss_kb=N status=N", the times in seconds.
 * The command's standard input, output and error can be redirected to
 * files, so no shell stands between us and the program measured and
 * getrusage(RUSAGE_CHILDREN) counts that program alone.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_sec(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void redirect(const char *path, int fd, int flags)
{
    int f;
    if (path == NULL)
        return;
    f = open(path, flags, 0644);
    if (f < 0) {
        fprintf(stderr, "runstat: '%s': %s\n", path, strerror(errno));
        _exit(127);
    }
    dup2(f, fd);
    close(f);
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *err = NULL;
    struct timespec t0, t1;
    struct rusage ru;
    int i = 1, status = 0;
    pid_t pid;

    while (i < argc && strcmp(argv[i], "--") != 0) {
        if (i + 1 >= argc) {
            fprintf(stderr, "usage: runstat [-i F] [-o F] [-e F] -- CMD ARG...\n");
            return 2;
        }
        if (strcmp(argv[i], "-i") == 0)
            in = argv[i + 1];
        else if (strcmp(argv[i], "-o") == 0)
            out = argv[i + 1];
        else if (strcmp(argv[i], "-e") == 0)
            err = argv[i + 1];
        else {
            fprintf(stderr, "runstat: unknown option '%s'\n", argv[i]);
            return 2;
        }
        i += 2;
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "usage: runstat [-i F] [-o F] [-e F] -- CMD ARG...\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("runstat: fork");
        return 2;
    }
    if (pid == 0) {
        redirect(in, 0, O_RDONLY);
        redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
        redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
        execvp(argv[i + 1], argv + i + 1);
        fprintf(stderr, "runstat: '%s': %s\n", argv[i + 1], strerror(errno));
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) {
        perror("runstat: waitpid");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("wall=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           tv_sec(ru.ru_utime), tv_sec(ru.ru_stime), ru.ru_maxrss,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
