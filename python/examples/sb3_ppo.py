"""Stable-Baselines3's PPO on Sim-Arena, then its solve rate on held-out scenarios.

    pip install ./python stable-baselines3          # sb3-contrib too for --maskable
    python python/examples/sb3_ppo.py --traces demo/traces --Naction 7 --timesteps 200000
    python python/examples/sb3_ppo.py --maskable ...  # MaskablePPO: only actions the safeguards allow

SB3 runs its own vector environment (DummyVecEnv) over single SimArenaEnvs, made without the
step documents in info (it only needs the observation, reward and ends; documents=False is about
twice as fast). MaskablePPO reads the masks from SimArenaEnv.action_masks().
"""

from __future__ import annotations

import argparse
from pathlib import Path

import simarena  # registers SimArena-v0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--traces", default="demo/traces")
    parser.add_argument("--eval-traces", default="demo/suites/heldout")
    parser.add_argument("--Naction", type=int, default=7)
    parser.add_argument("--steps", type=int, default=50, help="most actions per episode")
    parser.add_argument("--num-envs", type=int, default=8)
    parser.add_argument("--timesteps", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--maskable", action="store_true", help="sb3-contrib's MaskablePPO instead of PPO")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from stable_baselines3.common.env_util import make_vec_env

    settings = {"traces": args.traces, "Naction": args.Naction, "steps": args.steps, "documents": False}
    # make_vec_env asks for render_mode "rgb_array" unless told otherwise; Sim-Arena renders text only.
    envs = make_vec_env("SimArena-v0", n_envs=args.num_envs, seed=args.seed, env_kwargs={**settings, "render_mode": None})
    if args.maskable:
        from sb3_contrib import MaskablePPO

        model = MaskablePPO("MlpPolicy", envs, seed=args.seed, verbose=1)
    else:
        from stable_baselines3 import PPO

        model = PPO("MlpPolicy", envs, seed=args.seed, verbose=1)
    model.learn(total_timesteps=args.timesteps)
    envs.close()

    traces = sorted(p for p in Path(args.eval_traces).iterdir() if p.suffix in {".msgpack", ".json", ".sktrace"})
    env = simarena.SimArenaEnv(**{**settings, "traces": args.eval_traces})
    solved = 0
    for number, trace in enumerate(traces):
        obs, _ = env.reset(seed=args.seed + number, options={"trace": str(trace)})
        terminated = truncated = False
        while not (terminated or truncated):
            if args.maskable:
                action, _ = model.predict(obs, deterministic=True, action_masks=env.action_masks())
            else:
                action, _ = model.predict(obs, deterministic=True)
            obs, _, terminated, truncated, _ = env.step(int(action))
        solved += int(terminated)
    env.close()
    print(f"held-out {args.eval_traces}: solved {solved} of {len(traces)} ({solved / len(traces):.0%})")


if __name__ == "__main__":
    main()
