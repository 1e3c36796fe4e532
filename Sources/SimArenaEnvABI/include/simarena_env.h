/*
 * Sim-Arena's environment, in process: the C ABI of libSimArenaEnv.so, version 1.
 * docs/gymnasium.md describes it; python/simarena/_native.py is its ctypes binding.
 *
 * An environment is one workload in a cluster trace that an agent fixes, one action at a
 * time, exactly as bin/train.sh --fast steps it. Every function returns at once; none of them
 * traps. Errors are exit codes from sysexits.h (64 usage, 65 bad data, 66 missing input, 73
 * cannot write) with a one-line message. Buffers are the caller's; nothing is allocated for
 * the caller per step. An environment is used by one thread at a time; different
 * environments may be used from different threads.
 */
#ifndef SIMARENA_ENV_H
#define SIMARENA_ENV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SA_ENV_ABI_VERSION 1

typedef struct sa_env sa_env;

/* The ABI version the library implements (SA_ENV_ABI_VERSION when they match). */
int32_t sa_env_abi_version(void);

/*
 * Makes an environment from bin/train.sh's flags, without a program name: for example
 * {"--trace", "demo/traces/trace-0001.msgpack", "--Naction", "7"}. Flags about runs (--agent,
 * --episodes, --fast, ...) are accepted and ignored; the traces, the workload, the reward, the
 * goal, the action space, the step sizes and safeguards, --steps, --duration, --cluster and the
 * backend are used. Returns NULL on failure, with the exit code in *code and a one-line message
 * in message (NUL-terminated, cut to message_size bytes).
 */
sa_env *sa_env_create(int32_t argc, const char *const *argv, int32_t *code, char *message, size_t message_size);

/* The length of an observation (the features of docs/run-directory.md, each in [0, 1]). */
int32_t sa_env_observation_size(const sa_env *env);

/* The number of actions (--Naction). */
int32_t sa_env_action_count(const sa_env *env);

/*
 * Starts an episode and writes its first observation (observation_size floats) and action
 * mask (action_count bytes, 1 = allowed). seed: the episode is the one bin/train.sh --seed SEED
 * plays first. trace: a trace file, or NULL for one of the configured traces drawn with the
 * seed. Returns 0, or an exit code (sa_env_last_error says why).
 */
int32_t sa_env_reset(sa_env *env, uint64_t seed, const char *trace, float *observation, uint8_t *mask);

/*
 * Applies action (0 to action_count - 1), simulates and scores the result; writes the next
 * observation and mask, the reward, and whether the episode terminated (the goal reached) or
 * was truncated (--steps actions taken). Before a reset or after the episode ended: 64.
 */
int32_t sa_env_step(sa_env *env, int32_t action, float *observation, uint8_t *mask, double *reward, uint8_t *terminated,
                    uint8_t *truncated);

/*
 * Steps count environments at once, environment i with actions[i], writing its results at
 * index i of each array (observations: count * observation_size floats; masks: count *
 * action_count bytes, the largest action count of the environments). Runs on up to threads
 * threads (0: one per processor). Returns 0, or the exit code of the failing environment
 * with the lowest index, that index in *failed (the others have stepped).
 */
int32_t sa_env_step_many(sa_env *const *envs, int32_t count, const int32_t *actions, int32_t threads, float *observations,
                         uint8_t *masks, double *rewards, uint8_t *terminated, uint8_t *truncated, int32_t *failed);

/*
 * The last step as a JSON object: {"observation": <observation.json>, "reward": <reward.json>,
 * "action": <action.json or null>, "trace": <the trace's path>}. Writes at most size bytes
 * (NUL-terminated when there is room) and returns the whole length; -1 before a reset.
 */
int64_t sa_env_info_json(const sa_env *env, char *buffer, size_t size);

/* Why the last call on env failed (empty when it did not); valid until the next call on env. */
const char *sa_env_last_error(const sa_env *env);

/* Frees the environment; NULL is allowed. */
void sa_env_close(sa_env *env);

#ifdef __cplusplus
}
#endif

#endif
