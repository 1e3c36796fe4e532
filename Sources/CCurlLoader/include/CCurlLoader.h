// libcurl, loaded at run time: the first call to sa_curl_load() dlopen()s "libcurl.so.4", so
// programs that never make an HTTP request do not pay for loading it and its dependencies.
// The wrappers are non-variadic so that Swift can call them; the constants come from the
// libcurl headers of the build machine (the libcurl4-openssl-dev package).
#ifndef SA_CURL_LOADER_H
#define SA_CURL_LOADER_H

#include <stddef.h>
#include <curl/curl.h>

/// CURLAUTH_BASIC, which Swift cannot import (it is a macro with a cast).
static const long SA_CURLAUTH_BASIC = (long)CURLAUTH_BASIC;

/// Receives response bytes (CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION have this shape).
typedef size_t (*sa_curl_data_callback)(char *data, size_t size, size_t count, void *context);

/// Loads libcurl once (thread-safe) and initialises it. Returns NULL when it is usable, or a
/// static one-line message saying why not (not installed, a symbol missing, too old).
const char *sa_curl_load(void);

/// The loaded library's version text ("7.88.1"); NULL before a successful sa_curl_load().
const char *sa_curl_version(void);

// The wrappers below must only be called after sa_curl_load() returned NULL.
CURL *sa_curl_easy_init(void);
void sa_curl_easy_cleanup(CURL *handle);
/// Clears a handle's options; its live connections stay open for reuse.
void sa_curl_easy_reset(CURL *handle);
CURLcode sa_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode sa_curl_setopt_str(CURL *handle, CURLoption option, const char *value);
CURLcode sa_curl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode sa_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);
CURLcode sa_curl_setopt_callback(CURL *handle, CURLoption option, sa_curl_data_callback callback);
/// Sets a CURLOPT_*_BLOB option; libcurl copies the bytes (CURL_BLOB_COPY).
CURLcode sa_curl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
/// Performs the transfer with SIGPIPE blocked on the calling thread (also in cleanup).
CURLcode sa_curl_perform(CURL *handle);
CURLcode sa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
const char *sa_curl_strerror(CURLcode code);
struct curl_slist *sa_curl_slist_append(struct curl_slist *list, const char *text);
void sa_curl_slist_free_all(struct curl_slist *list);

#endif
