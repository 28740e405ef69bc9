"""Resumable cosine training cycles under a budget, shared by glyph_vit.py and speech_kws.py.

A cycle's LR warms up over 50 steps, then follows a cosine over whichever budget runs out first: its step
count, the CPU time of this (single-threaded) process, or the wall clock. `--resume` starts another cycle
from the saved weights (a warm restart); metrics.json keeps one record per cycle under "stages" and the
totals over all cycles.
"""
import argparse, json, math, time
import torch


def arguments(steps, lr, max_cpu_seconds, max_wall_seconds):
    """the command line both trainers share; a trainer adds its own options to it"""
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=steps)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--max_cpu_seconds", type=float, default=max_cpu_seconds)
    ap.add_argument("--max_wall_seconds", type=float, default=max_wall_seconds)
    ap.add_argument("--resume", action="store_true", help="continue from .data/*.pt for another budget")
    ap.add_argument("--export", action="store_true")
    return ap


def setup_torch():
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)  # denormals made training here ~3.5x slower


def previous(metrics_path, first_lr):
    """(metrics so far, their per-cycle records); first_lr: the LR of a first cycle saved before records existed"""
    prev = json.load(open(metrics_path))
    stages = prev.get("stages") or [dict(steps=prev["steps"], lr=first_lr, cpu_seconds=prev["train_cpu_seconds"],
                                         wall_seconds=prev["train_seconds"], heldout_accuracy=prev["heldout_accuracy"])]
    return prev, stages


class Budget:
    """the clock of one cycle: its LR schedule and the time it has spent"""

    def __init__(self, args):
        self.args = args
        self.t1, self.c1 = time.time(), time.process_time()

    def set_lr(self, opt, step):
        """sets this step's LR on every group and returns it; None (and says so) once a budget is spent"""
        a = self.args
        progress = max(step / a.steps, (time.process_time() - self.c1) / a.max_cpu_seconds,
                       (time.time() - self.t1) / a.max_wall_seconds)
        if progress >= 1:
            print(f"budget reached at step {step}")
            return None
        lr = a.lr * min(1, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        return lr

    def rate(self, steps_done):
        return (f"{(time.time() - self.t1) / steps_done:.3f}s/step wall, "
                f"{(time.process_time() - self.c1) / steps_done:.3f}s/step cpu")

    def spent(self):
        """(wall seconds, CPU seconds) since the cycle began"""
        return time.time() - self.t1, time.process_time() - self.c1


def totals(prev, stages, args, n_steps, wall, cpu, acc):
    """the metrics that add up over cycles, with this cycle's record appended"""
    return dict(train_seconds=round(wall + prev.get("train_seconds", 0), 1),
                train_cpu_seconds=round(cpu + prev.get("train_cpu_seconds", 0), 1),
                steps=n_steps + prev.get("steps", 0), batch=args.batch,
                stages=stages + [dict(steps=n_steps, lr=args.lr, cpu_seconds=round(cpu, 1),
                                      wall_seconds=round(wall, 1), heldout_accuracy=float(acc))])
