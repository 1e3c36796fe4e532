// libcurl for SimArenaKube (the Kubernetes client), loaded with dlopen on first use instead of
// linked: linking it made every start of a cluster tool load some 30 shared libraries, also when
// it never talks to a cluster. Call sa_curl_load() first; the sa_curl_* functions below call
// through the functions it found. curl_easy_setopt and curl_easy_getinfo are variadic, which
// Swift cannot call, so they are reached through typed wrappers. The headers are libcurl's own
// (libcurl4-openssl-dev), for its types and constants.
#ifndef SA_CURL_LOADER_H
#define SA_CURL_LOADER_H

#include <curl/curl.h>
#include <stddef.h>

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

/// Loads libcurl (libcurl.so.4) and finds the functions below, once per process; NULL when
/// that worked, else why not (a message naming the library). Thread-safe.
const char *sa_curl_load(void);

CURL *sa_curl_easy_init(void);
void sa_curl_easy_reset(CURL *handle);
const char *sa_curl_easy_strerror(CURLcode code);
CURLcode sa_curl_global_init(long flags);
curl_version_info_data *sa_curl_version_info(CURLversion version);
struct curl_slist *sa_curl_slist_append(struct curl_slist *list, const char *line);
void sa_curl_slist_free_all(struct curl_slist *list);

CURLcode sa_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode sa_curl_setopt_str(CURL *handle, CURLoption option, const char *value);
CURLcode sa_curl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode sa_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);
CURLcode sa_curl_setopt_callback(CURL *handle, CURLoption option, sa_curl_data_callback callback);
/// Sets a CURLOPT_*_BLOB option; libcurl copies the bytes (CURL_BLOB_COPY).
CURLcode sa_curl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
CURLcode sa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// curl_easy_perform with SIGPIPE blocked on the calling thread: with CURLOPT_NOSIGNAL set,
/// libcurl leaves SIGPIPE alone, and OpenSSL writing to a connection the server closed would
/// raise it. A SIGPIPE the call raised is consumed before the mask is restored.
CURLcode sa_curl_perform(CURL *handle);
/// curl_easy_cleanup with SIGPIPE blocked on the calling thread (closing a TLS connection writes).
void sa_curl_cleanup(CURL *handle);

#endif
