#!/usr/bin/env python3
"""A trainer for the tests. It follows the trainer contract (README, "Trainer contract") and its job config says
how to behave: {"mode": "ok" | "crash" | "crash-first" | "hang" | "garbage", "gate": FILE, "runs_file": FILE}.
With a gate it reports epoch 1 and then waits (at most 120 s) for the gate file before it goes on."""
import argparse
import json
import os
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--dataset", required=True)
parser.add_argument("--output", required=True)
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--config")
args = parser.parse_args()
config = json.load(open(args.config)) if args.config else {}
mode = config.get("mode", "ok")

runs = 0
if config.get("runs_file"):
    with open(config["runs_file"], "a") as runs_file:
        runs_file.write("%d %s\n" % (os.getpid(), args.dataset))
    runs = sum(1 for _ in open(config["runs_file"]))

with open(args.dataset) as dataset:
    experiences = sum(1 for line in dataset if line.strip())

if mode == "crash" or (mode == "crash-first" and runs == 1):
    print("trainer: error: simulated crash on run %d" % runs, file=sys.stderr)
    sys.exit(3)
if mode == "garbage":
    print("this is not JSON")
    print("{\"broken\": ")
    sys.exit(0)


def parent_alive():
    parent = os.environ.get("TRINITY_PARENT_PID")
    if not parent:
        return True
    try:
        os.kill(int(parent), 0)
        return True
    except OSError:
        return False


def report(epoch):
    print(json.dumps({"epoch": epoch, "progress": epoch / args.epochs, "loss": 1.0 / epoch}), flush=True)


if mode == "hang":
    deadline = time.time() + 600
    while time.time() < deadline and parent_alive():
        time.sleep(0.2)
    sys.exit(4)

report(1)
gate = config.get("gate")
if gate:
    deadline = time.time() + 120
    while not os.path.exists(gate) and time.time() < deadline:
        if not parent_alive():
            sys.exit(5)
        time.sleep(0.05)
for epoch in range(2, args.epochs + 1):
    report(epoch)
with open(os.path.join(args.output, "model.json"), "w") as model:
    json.dump({"format": "test", "experiences": experiences}, model)
print(json.dumps({"status": "completed", "model_file": "model.json", "metrics": {"experiences": experiences}}))
