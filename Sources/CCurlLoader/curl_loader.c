// Loads libcurl with dlopen and calls it through the functions found there (see curl_loader.h).
#include "curl_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

// The Debian package libcurl4 (libcurl4-openssl-dev's runtime) installs this soname.
#define SA_LIBCURL "libcurl.so.4"

/// The libcurl functions used, as found in the loaded library.
static struct {
    CURL *(*easy_init)(void);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*global_init)(long);
    curl_version_info_data *(*version_info)(CURLversion);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/// Why loading failed; empty when it worked.
static char load_problem[512];

/// Finds `name` in `library` into `*slot`; false (with the reason recorded) when it is missing.
static int find(void *library, const char *name, void **slot) {
    *slot = dlsym(library, name);
    if (*slot == NULL) snprintf(load_problem, sizeof load_problem, "%s has no %s: it is not a usable libcurl", SA_LIBCURL, name);
    return *slot != NULL;
}

static void load(void) {
    void *library = dlopen(SA_LIBCURL, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_problem, sizeof load_problem, "cannot load %s (install libcurl4): %s", SA_LIBCURL,
                 reason != NULL ? reason : "unknown error");
        return;
    }
    // Stops at the first function missing, which find() records. The library stays loaded for
    // the process's life, as a linked one would.
    (void)(find(library, "curl_easy_init", (void **)&api.easy_init)
        && find(library, "curl_easy_reset", (void **)&api.easy_reset)
        && find(library, "curl_easy_cleanup", (void **)&api.easy_cleanup)
        && find(library, "curl_easy_perform", (void **)&api.easy_perform)
        && find(library, "curl_easy_setopt", (void **)&api.easy_setopt)
        && find(library, "curl_easy_getinfo", (void **)&api.easy_getinfo)
        && find(library, "curl_easy_strerror", (void **)&api.easy_strerror)
        && find(library, "curl_global_init", (void **)&api.global_init)
        && find(library, "curl_version_info", (void **)&api.version_info)
        && find(library, "curl_slist_append", (void **)&api.slist_append)
        && find(library, "curl_slist_free_all", (void **)&api.slist_free_all));
}

const char *sa_curl_load(void) {
    pthread_once(&load_once, load);
    return load_problem[0] != '\0' ? load_problem : NULL;
}

CURL *sa_curl_easy_init(void) { return api.easy_init(); }
void sa_curl_easy_reset(CURL *handle) { api.easy_reset(handle); }
const char *sa_curl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }
CURLcode sa_curl_global_init(long flags) { return api.global_init(flags); }
curl_version_info_data *sa_curl_version_info(CURLversion version) { return api.version_info(version); }
struct curl_slist *sa_curl_slist_append(struct curl_slist *list, const char *line) { return api.slist_append(list, line); }
void sa_curl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

CURLcode sa_curl_setopt_long(CURL *handle, CURLoption option, long value) { return api.easy_setopt(handle, option, value); }
CURLcode sa_curl_setopt_str(CURL *handle, CURLoption option, const char *value) { return api.easy_setopt(handle, option, value); }
CURLcode sa_curl_setopt_ptr(CURL *handle, CURLoption option, void *value) { return api.easy_setopt(handle, option, value); }
CURLcode sa_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return api.easy_setopt(handle, option, list);
}
CURLcode sa_curl_setopt_callback(CURL *handle, CURLoption option, sa_curl_data_callback callback) {
    return api.easy_setopt(handle, option, callback);
}
CURLcode sa_curl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length) {
    struct curl_blob blob = {.data = (void *)data, .len = length, .flags = CURL_BLOB_COPY};
    return api.easy_setopt(handle, option, &blob);
}
CURLcode sa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) { return api.easy_getinfo(handle, info, value); }

/// SIGPIPE blocked on the calling thread around one libcurl call.
typedef struct {
    sigset_t pipe_signal;
    sigset_t previous_mask;
    int was_pending;
} sigpipe_guard;

static void sigpipe_block(sigpipe_guard *guard) {
    sigset_t pending;
    sigemptyset(&guard->pipe_signal);
    sigaddset(&guard->pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &guard->pipe_signal, &guard->previous_mask);
    sigpending(&pending);
    guard->was_pending = sigismember(&pending, SIGPIPE);
}

static void sigpipe_restore(sigpipe_guard *guard) {
    sigset_t pending;
    sigpending(&pending);
    if (!guard->was_pending && sigismember(&pending, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&guard->pipe_signal, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &guard->previous_mask, NULL);
}

CURLcode sa_curl_perform(CURL *handle) {
    sigpipe_guard guard;
    sigpipe_block(&guard);
    CURLcode code = api.easy_perform(handle);
    sigpipe_restore(&guard);
    return code;
}

void sa_curl_cleanup(CURL *handle) {
    sigpipe_guard guard;
    sigpipe_block(&guard);
    api.easy_cleanup(handle);
    sigpipe_restore(&guard);
}
