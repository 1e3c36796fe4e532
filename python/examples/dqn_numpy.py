"""A deep Q-network for Sim-Arena in one file, numpy only: read it top to bottom.

    python python/examples/dqn_numpy.py --traces demo/traces --Naction 7 --eval-traces demo/suites/heldout

It trains on a vector environment (SimArenaVectorEnv: N environments stepped in one native call,
Gymnasium's NEXT_STEP autoreset) with double DQN, a target network, a replay buffer and the action
masks (exploration and the greedy choice only pick actions the safeguards allow; the bootstrap
target's maximum is over the next state's allowed actions), then plays one greedy episode on each
scenario of --eval-traces and prints the solve rate (the goal reached within --steps actions).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import simarena


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--traces", default="demo/traces", help="training scenarios (a folder or glob)")
    parser.add_argument("--eval-traces", default="demo/suites/heldout", help="held-out scenarios for the solve rate")
    parser.add_argument("--Naction", type=int, default=7)
    parser.add_argument("--steps", type=int, default=50, help="most actions per episode")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--num-envs", type=int, default=8)
    parser.add_argument("--total-steps", type=int, default=60_000, help="environment steps in all")
    parser.add_argument("--gradient-steps", type=int, default=4, help="updates per vector step")
    parser.add_argument("--learning-starts", type=int, default=1_000)
    parser.add_argument("--buffer-size", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--gamma", type=float, default=0.99)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--target-update", type=int, default=500, help="environment steps between target copies")
    parser.add_argument("--eps-start", type=float, default=1.0)
    parser.add_argument("--eps-end", type=float, default=0.05)
    parser.add_argument("--eps-decay", type=int, default=20_000, help="environment steps to reach --eps-end")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------
# The Q-network: a two-hidden-layer ReLU perceptron with its own backward pass and Adam.
# ---------------------------------------------------------------------------------------------

class QNetwork:
    def __init__(self, inputs: int, hidden: int, outputs: int, rng: np.random.Generator) -> None:
        sizes = [inputs, hidden, hidden, outputs]
        self.params: list[np.ndarray] = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            self.params.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)).astype(np.float32))
            self.params.append(np.zeros(fan_out, dtype=np.float32))

    def copy_from(self, other: QNetwork) -> None:
        for mine, theirs in zip(self.params, other.params):
            mine[...] = theirs

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Q-values for a batch of observations, and the activations the backward pass needs."""
        w1, b1, w2, b2, w3, b3 = self.params
        h1 = np.maximum(x @ w1 + b1, 0.0)
        h2 = np.maximum(h1 @ w2 + b2, 0.0)
        return h2 @ w3 + b3, [x, h1, h2]

    def backward(self, activations: list[np.ndarray], grad_q: np.ndarray) -> list[np.ndarray]:
        """Gradients of the loss for each parameter, given the loss's gradient for the Q-values."""
        x, h1, h2 = activations
        _, _, w2, _, w3, _ = self.params
        grad_h2 = (grad_q @ w3.T) * (h2 > 0)
        grad_h1 = (grad_h2 @ w2.T) * (h1 > 0)
        return [x.T @ grad_h1, grad_h1.sum(0), h1.T @ grad_h2, grad_h2.sum(0), h2.T @ grad_q, grad_q.sum(0)]


class Adam:
    def __init__(self, params: list[np.ndarray], lr: float, betas: tuple[float, float] = (0.9, 0.999)) -> None:
        self.params, self.lr, self.betas, self.t = params, lr, betas, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        beta1, beta2 = self.betas
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m[...] = beta1 * m + (1 - beta1) * g
            v[...] = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** self.t)
            v_hat = v / (1 - beta2 ** self.t)
            p -= (self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)).astype(p.dtype)


# ---------------------------------------------------------------------------------------------
# The replay buffer: a ring of transitions, with the next state's action mask.
# ---------------------------------------------------------------------------------------------

class ReplayBuffer:
    def __init__(self, size: int, features: int, actions: int) -> None:
        self.size, self.count, self.next = size, 0, 0
        self.obs = np.zeros((size, features), np.float32)
        self.actions = np.zeros(size, np.int64)
        self.rewards = np.zeros(size, np.float32)
        self.next_obs = np.zeros((size, features), np.float32)
        self.next_masks = np.zeros((size, actions), np.bool_)
        self.terminated = np.zeros(size, np.float32)

    def add(self, obs, actions, rewards, next_obs, next_masks, terminated) -> None:
        for row in range(len(actions)):
            i = self.next
            self.obs[i], self.actions[i], self.rewards[i] = obs[row], actions[row], rewards[row]
            self.next_obs[i], self.next_masks[i], self.terminated[i] = next_obs[row], next_masks[row], terminated[row]
            self.next = (i + 1) % self.size
            self.count = min(self.count + 1, self.size)

    def sample(self, batch: int, rng: np.random.Generator):
        i = rng.integers(0, self.count, size=batch)
        return self.obs[i], self.actions[i], self.rewards[i], self.next_obs[i], self.next_masks[i], self.terminated[i]


# ---------------------------------------------------------------------------------------------
# Acting and learning.
# ---------------------------------------------------------------------------------------------

def greedy(q: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """The best allowed action in each row."""
    return np.where(masks, q, -np.inf).argmax(axis=1)


def choose(net: QNetwork, obs: np.ndarray, masks: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Epsilon-greedy over the allowed actions."""
    best = greedy(net.forward(obs)[0], masks)
    random = np.array([rng.choice(np.flatnonzero(row)) for row in masks])
    return np.where(rng.random(len(obs)) < epsilon, random, best)


def learn(online: QNetwork, target: QNetwork, optimizer: Adam, batch, gamma: float) -> float:
    """One double-DQN update with the Huber loss; returns the loss."""
    obs, actions, rewards, next_obs, next_masks, terminated = batch
    next_actions = greedy(online.forward(next_obs)[0], next_masks)           # chosen by the online net
    next_q = target.forward(next_obs)[0][np.arange(len(actions)), next_actions]  # valued by the target
    targets = rewards + gamma * (1.0 - terminated) * next_q
    q, activations = online.forward(obs)
    error = q[np.arange(len(actions)), actions] - targets
    grad_q = np.zeros_like(q)
    grad_q[np.arange(len(actions)), actions] = np.clip(error, -1.0, 1.0) / len(actions)
    optimizer.step(online.backward(activations, grad_q))
    return float(np.mean(np.where(np.abs(error) < 1, 0.5 * error ** 2, np.abs(error) - 0.5)))


def evaluate(net: QNetwork, args: argparse.Namespace) -> tuple[int, int]:
    """One greedy episode on each --eval-traces scenario: how many reach the goal, of how many."""
    traces = sorted(p for p in Path(args.eval_traces).iterdir() if p.suffix in {".msgpack", ".json", ".sktrace"})
    env = simarena.SimArenaEnv(traces=args.eval_traces, Naction=args.Naction, steps=args.steps, documents=False)
    solved = 0
    for number, trace in enumerate(traces):
        obs, info = env.reset(seed=args.seed + number, options={"trace": str(trace)})
        terminated = truncated = False
        while not (terminated or truncated):
            mask = info["action_mask"].astype(bool)[None]
            action = int(greedy(net.forward(obs[None])[0], mask)[0])
            obs, _, terminated, truncated, info = env.step(action)
        solved += int(terminated)
    env.close()
    return solved, len(traces)


def main() -> None:
    args = parse_args()
    rng = np.random.default_rng(args.seed)
    envs = simarena.SimArenaVectorEnv(args.num_envs, traces=args.traces, Naction=args.Naction, steps=args.steps)
    obs, info = envs.reset(seed=args.seed)
    masks = info["action_mask"].astype(bool)
    features, actions = obs.shape[1], masks.shape[1]
    online = QNetwork(features, args.hidden, actions, rng)
    target = QNetwork(features, args.hidden, actions, rng)
    target.copy_from(online)
    optimizer = Adam(online.params, args.lr)
    buffer = ReplayBuffer(args.buffer_size, features, actions)

    resetting = np.zeros(args.num_envs, np.bool_)  # NEXT_STEP: this step resets these instead of stepping
    returns, returns_so_far, solved, losses = [], np.zeros(args.num_envs), [], []
    started = time.time()
    for step in range(0, args.total_steps, args.num_envs):
        epsilon = max(args.eps_end, args.eps_start - (args.eps_start - args.eps_end) * step / args.eps_decay)
        chosen = choose(online, obs, masks, epsilon, rng)
        next_obs, rewards, terminated, truncated, info = envs.step(chosen)
        next_masks = info["action_mask"].astype(bool)

        real = ~resetting  # an autoreset step is no transition
        buffer.add(obs[real], chosen[real], rewards[real], next_obs[real], next_masks[real], terminated[real])
        returns_so_far += np.where(real, rewards, 0.0)
        for i in np.flatnonzero(terminated | truncated):
            returns.append(returns_so_far[i])
            solved.append(bool(terminated[i]))
            returns_so_far[i] = 0.0
        resetting = terminated | truncated
        obs, masks = next_obs, next_masks

        if step >= args.learning_starts:
            for _ in range(args.gradient_steps):
                losses.append(learn(online, target, optimizer, buffer.sample(args.batch_size, rng), args.gamma))
        if step // args.target_update != (step + args.num_envs) // args.target_update:
            target.copy_from(online)
        if step // 5_000 != (step + args.num_envs) // 5_000 and returns:
            print(f"step {step + args.num_envs:>7}  epsilon {epsilon:.2f}  episodes {len(returns):>5}  "
                  f"return {np.mean(returns[-100:]):6.2f}  solved {np.mean(solved[-100:]):.0%}  "
                  f"loss {np.mean(losses[-100:]) if losses else float('nan'):.4f}  "
                  f"{(step + args.num_envs) / (time.time() - started):.0f} steps/s", flush=True)
    envs.close()

    count, total = evaluate(online, args)
    print(f"held-out {args.eval_traces}: solved {count} of {total} ({count / total:.0%}), "
          f"greedy, at most {args.steps} actions")


if __name__ == "__main__":
    main()
