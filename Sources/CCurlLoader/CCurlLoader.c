#include "CCurlLoader.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

// In-memory certificates and keys (CURLOPT_CAINFO_BLOB) arrived in libcurl 7.77.0.
#define SA_CURL_MINIMUM_VERSION 0x074d00

static struct {
    CURLcode (*global_init)(long);
    curl_version_info_data *(*version_info)(CURLversion);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error = "libcurl was not loaded";
static const char *loaded_version = NULL;
static char load_message[256];

static void *symbol(void *library, const char *name) {
    void *address = dlsym(library, name);
    if (address == NULL && load_message[0] == '\0') {
        snprintf(load_message, sizeof load_message, "libcurl.so.4 lacks the function %s", name);
    }
    return address;
}

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(load_message, sizeof load_message,
                 "cannot load libcurl.so.4 (install libcurl4): %s", dlerror());
        load_error = load_message;
        return;
    }
    load_message[0] = '\0';
    api.global_init = symbol(library, "curl_global_init");
    api.version_info = symbol(library, "curl_version_info");
    api.easy_init = symbol(library, "curl_easy_init");
    api.easy_cleanup = symbol(library, "curl_easy_cleanup");
    api.easy_reset = symbol(library, "curl_easy_reset");
    api.easy_setopt = symbol(library, "curl_easy_setopt");
    api.easy_perform = symbol(library, "curl_easy_perform");
    api.easy_getinfo = symbol(library, "curl_easy_getinfo");
    api.easy_strerror = symbol(library, "curl_easy_strerror");
    api.slist_append = symbol(library, "curl_slist_append");
    api.slist_free_all = symbol(library, "curl_slist_free_all");
    if (load_message[0] != '\0') {
        load_error = load_message;
        return;
    }
    curl_version_info_data *info = api.version_info(CURLVERSION_NOW);
    if (info == NULL || info->version_num < SA_CURL_MINIMUM_VERSION) {
        snprintf(load_message, sizeof load_message, "libcurl %s is too old: 7.77.0 or newer is needed",
                 info != NULL ? info->version : "(unknown version)");
        load_error = load_message;
        return;
    }
    if (info->ssl_version == NULL) {
        snprintf(load_message, sizeof load_message, "libcurl %s was built without TLS support", info->version);
        load_error = load_message;
        return;
    }
    CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_message, sizeof load_message, "libcurl failed to initialise: %s", api.easy_strerror(code));
        load_error = load_message;
        return;
    }
    loaded_version = info->version;
    load_error = NULL;
}

const char *sa_curl_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

const char *sa_curl_version(void) { return loaded_version; }

CURL *sa_curl_easy_init(void) { return api.easy_init(); }

// With CURLOPT_NOSIGNAL set, libcurl leaves SIGPIPE alone, and OpenSSL writing to a connection
// the server closed would raise it. Calls that may write therefore run with SIGPIPE blocked on
// the calling thread, and a SIGPIPE they raised is consumed before the mask is restored.
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

void sa_curl_easy_cleanup(CURL *handle) {
    sigpipe_guard guard;
    sigpipe_block(&guard);
    api.easy_cleanup(handle);
    sigpipe_restore(&guard);
}

void sa_curl_easy_reset(CURL *handle) { api.easy_reset(handle); }

CURLcode sa_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode sa_curl_setopt_str(CURL *handle, CURLoption option, const char *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode sa_curl_setopt_ptr(CURL *handle, CURLoption option, void *value) {
    return api.easy_setopt(handle, option, value);
}

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

CURLcode sa_curl_perform(CURL *handle) {
    sigpipe_guard guard;
    sigpipe_block(&guard);
    CURLcode code = api.easy_perform(handle);
    sigpipe_restore(&guard);
    return code;
}

CURLcode sa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return api.easy_getinfo(handle, info, value);
}

const char *sa_curl_strerror(CURLcode code) { return api.easy_strerror(code); }

struct curl_slist *sa_curl_slist_append(struct curl_slist *list, const char *text) {
    return api.slist_append(list, text);
}

void sa_curl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }
