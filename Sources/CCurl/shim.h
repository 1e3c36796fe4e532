// libcurl, linked by SimArenaKube (the Kubernetes client). curl_easy_setopt and
// curl_easy_getinfo are variadic, which Swift cannot call, so they are reached through the typed
// wrappers below; the rest of the API is called directly.
#ifndef SA_CCURL_SHIM_H
#define SA_CCURL_SHIM_H

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

// In-memory certificates and keys (CURLOPT_CAINFO_BLOB) arrived in libcurl 7.77.0.
#if LIBCURL_VERSION_NUM < 0x074d00
#error "libcurl 7.77.0 or newer is needed (install libcurl4-openssl-dev)"
#endif

/// CURLAUTH_BASIC, which Swift cannot import (it is a macro with a cast).
static const long SA_CURLAUTH_BASIC = (long)CURLAUTH_BASIC;

/// CURL_GLOBAL_DEFAULT, for curl_global_init.
static const long SA_CURL_GLOBAL_DEFAULT = CURL_GLOBAL_DEFAULT;

/// The version the headers describe, for curl_version_info.
static const CURLversion SA_CURLVERSION_NOW = CURLVERSION_NOW;

/// Receives response bytes (CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION have this shape).
typedef size_t (*sa_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode sa_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sa_curl_setopt_str(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sa_curl_setopt_ptr(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sa_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

static inline CURLcode sa_curl_setopt_callback(CURL *handle, CURLoption option, sa_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// Sets a CURLOPT_*_BLOB option; libcurl copies the bytes (CURL_BLOB_COPY).
static inline CURLcode sa_curl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length) {
    struct curl_blob blob = {.data = (void *)data, .len = length, .flags = CURL_BLOB_COPY};
    return curl_easy_setopt(handle, option, &blob);
}

static inline CURLcode sa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

// With CURLOPT_NOSIGNAL set, libcurl leaves SIGPIPE alone, and OpenSSL writing to a connection
// the server closed would raise it. Calls that may write therefore run with SIGPIPE blocked on
// the calling thread, and a SIGPIPE they raised is consumed before the mask is restored.
typedef struct {
    sigset_t pipe_signal;
    sigset_t previous_mask;
    int was_pending;
} sa_sigpipe_guard;

static inline void sa_sigpipe_block(sa_sigpipe_guard *guard) {
    sigset_t pending;
    sigemptyset(&guard->pipe_signal);
    sigaddset(&guard->pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &guard->pipe_signal, &guard->previous_mask);
    sigpending(&pending);
    guard->was_pending = sigismember(&pending, SIGPIPE);
}

static inline void sa_sigpipe_restore(sa_sigpipe_guard *guard) {
    sigset_t pending;
    sigpending(&pending);
    if (!guard->was_pending && sigismember(&pending, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&guard->pipe_signal, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &guard->previous_mask, NULL);
}

/// curl_easy_perform with SIGPIPE blocked on the calling thread.
static inline CURLcode sa_curl_perform(CURL *handle) {
    sa_sigpipe_guard guard;
    sa_sigpipe_block(&guard);
    CURLcode code = curl_easy_perform(handle);
    sa_sigpipe_restore(&guard);
    return code;
}

/// curl_easy_cleanup with SIGPIPE blocked on the calling thread (closing a TLS connection writes).
static inline void sa_curl_cleanup(CURL *handle) {
    sa_sigpipe_guard guard;
    sa_sigpipe_block(&guard);
    curl_easy_cleanup(handle);
    sa_sigpipe_restore(&guard);
}

#endif
