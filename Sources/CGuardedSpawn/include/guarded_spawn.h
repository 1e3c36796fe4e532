#ifndef SIMARENA_GUARDED_SPAWN_H
#define SIMARENA_GUARDED_SPAWN_H

#include <sys/types.h>

/// Starts a program in a new process group under a small guardian process, so that the program
/// and everything it starts end with the caller, even when the caller is killed with SIGKILL.
///
/// The guardian is a forked copy of the caller that leads the new process group. It asks the
/// kernel for a signal when the calling thread dies (PR_SET_PDEATHSIG) and then kills its whole
/// group; otherwise it waits for the program and ends the way the program ended (the same exit
/// status, or the same signal), so that to the caller it looks like the program itself. It
/// ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT: a signal sent to the group reaches the program,
/// and the program's default dispositions and an empty signal mask are restored before exec.
///
/// `program` has no '/': it is looked up on the caller's PATH (like posix_spawnp, a script without
/// a #! line is not handed to /bin/sh: ENOEXEC). With a '/' it is used as it is, relative to
/// `directory` when one is given. The program's standard input, output and error are `stdin_fd`,
/// `stdout_fd` and `stderr_fd`; every other descriptor is closed.
///
/// Returns the guardian's pid, which is also the process group's id, or -errno when the program
/// could not be started (the guardian has then been reaped).
pid_t simarena_guarded_spawn(const char *program, char *const argv[], char *const envp[],
                             int stdin_fd, int stdout_fd, int stderr_fd, const char *directory);

/// pipe2(fds, O_CLOEXEC): 0, or -1 with errno set.
int simarena_pipe_cloexec(int fds[2]);

#endif
