#!/usr/bin/env python3
"""A trainer for trinity-camel in plain Python: the smallest program that follows the trainer contract
(README, "Trainer contract"). Plug it in with, for example:

    TRAINING_TRAINER_COMMANDS="lookup=/usr/bin/python3 /path/to/trainer.py" java -jar trinity-camel.jar

and start jobs with "model_type": "lookup". It learns, for every input it saw, the output with the best reward,
and measures how often that answer is right on every tenth experience it held out.

Contract: arguments --dataset FILE --output DIR --epochs N [--config FILE] (also in TRAINER_DATASET,
TRAINER_OUTPUT_DIR, TRAINER_EPOCHS, TRAINER_CONFIG); progress as JSON lines on stdout; the model file in the
output dir; the last stdout line {"status": "completed", "model_file": ..., "metrics": {...}}; exit code 0.
Anything for people goes to stderr. Exit when the reactor that started you (TRINITY_PARENT_PID) is gone."""
import argparse
import json
import os
import sys


def experiences(path):
    """Yields the experiences of a .jsonl file (one per line) or a .json file (one array)."""
    with open(path, encoding="utf-8") as dataset:
        first = dataset.read(1)
        while first and first.isspace():
            first = dataset.read(1)
        dataset.seek(0)
        if first == "[":
            yield from json.load(dataset)
            return
        for line in dataset:
            if line.strip():
                yield json.loads(line)


def parent_alive():
    parent = os.environ.get("TRINITY_PARENT_PID")
    if not parent:
        return True
    try:
        os.kill(int(parent), 0)
        return True
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=os.environ.get("TRAINER_DATASET"))
    parser.add_argument("--output", default=os.environ.get("TRAINER_OUTPUT_DIR"))
    parser.add_argument("--epochs", type=int, default=int(os.environ.get("TRAINER_EPOCHS", "1")))
    parser.add_argument("--config", default=os.environ.get("TRAINER_CONFIG"))
    args = parser.parse_args()
    if not args.dataset or not args.output or args.epochs < 1:
        parser.error("--dataset, --output and a positive --epochs are required")

    best, held_out = {}, []
    for number, experience in enumerate(experiences(args.dataset), start=1):
        key = " ".join(str(experience["input"]).lower().split())
        if number % 10 == 0:
            held_out.append((key, experience["output"], float(experience["reward"])))
            continue
        reward = float(experience["reward"])
        if key not in best or reward >= best[key][1]:
            best[key] = (experience["output"], reward)

    scored = [(key, output) for key, output, reward in held_out if reward > 0]
    for epoch in range(1, args.epochs + 1):
        if not parent_alive():
            print("trainer: the reactor that started me is gone", file=sys.stderr)
            return 1
        right = sum(1 for key, output in scored if best.get(key, (None,))[0] == output)
        accuracy = right / len(scored) if scored else None
        print(json.dumps({"epoch": epoch, "epochs": args.epochs, "progress": epoch / args.epochs,
                          "loss": None if accuracy is None else 1 - accuracy}), flush=True)

    model_path = os.path.join(args.output, "model.json")
    with open(model_path + ".tmp", "w", encoding="utf-8") as model:
        json.dump({"format": "example-lookup/1", "answers": {key: output for key, (output, _) in best.items()}}, model)
    os.replace(model_path + ".tmp", model_path)
    metrics = {"entries": len(best), "heldout_size": len(scored), "heldout_accuracy": accuracy}
    print(json.dumps({"status": "completed", "model_file": "model.json", "metrics": metrics}), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, KeyError) as error:
        print("trainer: error: %s" % error, file=sys.stderr)
        sys.exit(1)
