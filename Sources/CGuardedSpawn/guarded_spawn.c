#define _GNU_SOURCE
#include "guarded_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int simarena_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

/// Whether `path` names an executable regular file: 0, or the errno execve would give.
static int executable(const char *path) {
    struct stat info;
    if (stat(path, &info) != 0) return errno;
    if (!S_ISREG(info.st_mode)) return EACCES;
    return access(path, X_OK) == 0 ? 0 : errno;
}

/// The file to execute for `program`, as posix_spawnp finds it: 0, or ENOENT / EACCES / ENAMETOOLONG.
static int resolve(const char *program, char *out, size_t size) {
    if (strchr(program, '/') != NULL) {
        if (strlen(program) >= size) return ENAMETOOLONG;
        strcpy(out, program);
        return 0;
    }
    const char *search = getenv("PATH");
    if (search == NULL) search = "/bin:/usr/bin";
    int denied = 0;
    for (const char *start = search;; ) {
        const char *end = strchrnul(start, ':');
        size_t length = (size_t)(end - start);
        const char *directory = length == 0 ? "." : start;
        if (length == 0) length = 1;
        if (length + 1 + strlen(program) < size) {
            memcpy(out, directory, length);
            out[length] = '/';
            strcpy(out + length + 1, program);
            int status = executable(out);
            if (status == 0) {
                // A relative entry ("." or empty) means the caller's directory, not the program's.
                if (out[0] != '/') {
                    char absolute[PATH_MAX];
                    if (getcwd(absolute, sizeof absolute) == NULL) return errno;
                    size_t prefix = strlen(absolute);
                    if (prefix + 1 + strlen(out) >= size) return ENAMETOOLONG;
                    absolute[prefix] = '/';
                    strcpy(absolute + prefix + 1, out);
                    strcpy(out, absolute);
                }
                return 0;
            }
            if (status == EACCES) denied = 1;
        }
        if (*end == '\0') break;
        start = end + 1;
    }
    return denied ? EACCES : ENOENT;
}

/// Closes every descriptor from `lowest` up, except `keep`.
static void close_from(int lowest, int keep) {
#ifdef SYS_close_range
    if (keep >= lowest) {
        if ((keep <= lowest || syscall(SYS_close_range, (unsigned)lowest, (unsigned)keep - 1, 0) == 0)
            && syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0) == 0) return;
    } else if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) {
        return;
    }
#endif
    struct rlimit limit;
    long highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (long)limit.rlim_cur : 65536;
    for (long descriptor = lowest; descriptor < highest; descriptor++) {
        if (descriptor != keep) close((int)descriptor);
    }
}

/// Tells the caller why the program could not be started, then exits.
static void report_and_exit(int report, int code) {
    ssize_t written;
    do { written = write(report, &code, sizeof code); } while (written < 0 && errno == EINTR);
    _exit(127);
}

static const int ignored_by_guardian[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

/// The caller's pid, as the guardian saw it when it started.
static volatile pid_t guarded_caller;

/// PR_SET_PDEATHSIG's signal: the caller is gone, so is everything it started.
static void caller_died(int signal) {
    (void)signal;
    if (getppid() != guarded_caller) kill(0, SIGKILL);
}

static void set_disposition(int signal, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, NULL);
}

/// The program's side of the second fork: its descriptors, directory, signals, then exec.
/// (The guardian's SIGUSR1 handler goes at exec; what it ignores must be restored here.)
static void start_program(const char *path, char *const argv[], char *const envp[], int stdin_fd,
                          int stdout_fd, int stderr_fd, const char *directory, int report) {
    for (size_t i = 0; i < sizeof ignored_by_guardian / sizeof *ignored_by_guardian; i++) {
        set_disposition(ignored_by_guardian[i], SIG_DFL);
    }
    if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) report_and_exit(report, errno);
    if (directory != NULL && chdir(directory) != 0) report_and_exit(report, errno);
    close_from(3, report);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(path, argv, envp);
    report_and_exit(report, errno);
}

/// The guardian: leads the group, starts the program, and ends as it ends (or with the caller).
static void guard(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                  int stderr_fd, const char *directory, int report, pid_t caller) {
    // Every signal is blocked (the caller blocked them around fork); handlers are the caller's.
    // Without a group of its own, the death handler's kill(0, ...) would hit the caller's group.
    if (setpgid(0, 0) != 0) report_and_exit(report, errno);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP) set_disposition(signal, SIG_DFL);
    }
    for (size_t i = 0; i < sizeof ignored_by_guardian / sizeof *ignored_by_guardian; i++) {
        set_disposition(ignored_by_guardian[i], SIG_IGN);
    }
    guarded_caller = caller;
    set_disposition(SIGUSR1, caller_died);
    if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0) report_and_exit(report, errno);
    if (getppid() != caller) _exit(127);  // the caller died before the request took effect

    pid_t program = fork();
    if (program < 0) report_and_exit(report, errno);
    if (program == 0) start_program(path, argv, envp, stdin_fd, stdout_fd, stderr_fd, directory, report);

    close_from(0, -1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int status;
    while (waitpid(program, &status, 0) < 0) {
        if (errno != EINTR) _exit(127);
    }
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    int signal = WTERMSIG(status);
    // Not a crash of the guardian: no core file, and no report to a core handler.
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0);
    set_disposition(signal, SIG_DFL);
    kill(getpid(), signal);
    _exit(128 + signal);
}

pid_t simarena_guarded_spawn(const char *program, char *const argv[], char *const envp[],
                             int stdin_fd, int stdout_fd, int stderr_fd, const char *directory) {
    char path[PATH_MAX];
    int unresolved = resolve(program, path, sizeof path);
    if (unresolved != 0) return -unresolved;

    // The report pipe carries an errno from a failed start; end of file means the exec happened.
    // Both ends sit above 2, so the program's dup2s cannot overwrite them.
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return -errno;
    int report[2] = {fcntl(ends[0], F_DUPFD_CLOEXEC, 3), fcntl(ends[1], F_DUPFD_CLOEXEC, 3)};
    int failure = report[0] < 0 || report[1] < 0 ? errno : 0;
    close(ends[0]);
    close(ends[1]);
    if (failure != 0) {
        if (report[0] >= 0) close(report[0]);
        if (report[1] >= 0) close(report[1]);
        return -failure;
    }

    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t caller = getpid();
    pid_t guardian = fork();
    if (guardian == 0) guard(path, argv, envp, stdin_fd, stdout_fd, stderr_fd, directory, report[1], caller);
    int forkError = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (guardian < 0) {
        close(report[0]);
        return -forkError;
    }

    int code = 0;
    ssize_t received;
    do { received = read(report[0], &code, sizeof code); } while (received < 0 && errno == EINTR);
    close(report[0]);
    if (received == (ssize_t)sizeof code) {
        while (waitpid(guardian, NULL, 0) < 0 && errno == EINTR) {}
        return -(code != 0 ? code : ECHILD);
    }
    return guardian;
}
