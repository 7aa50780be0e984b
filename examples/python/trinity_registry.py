#!/usr/bin/env python3
"""Read and write the trinity service registry (services.json) safely from Python, beside the hub.

The protocol (README, "Service registry"): take an exclusive POSIX record lock (fcntl.lockf, not flock) on
services.json.lock, read services.json, change it, write a temp file in the same folder, fsync it, rename it
over services.json, fsync the folder, release the lock. Readers need no lock. A file that does not parse is
moved aside as services.json.corrupt-<timestamp>, never deleted.

    trinity_registry.py list
    trinity_registry.py register NAME [--port PORT] [--status STATUS]
    trinity_registry.py heartbeat NAME [--status STATUS]
    trinity_registry.py deregister NAME
    trinity_registry.py stress PREFIX COUNT        # COUNT registrations + heartbeats (tests, benchmarks)

The registry folder is $JARVIS_REGISTRY_DIR, else $TRINITY_HOME/registry, else ~/.jarvis/registry.
"""
import argparse
import fcntl
import json
import os
import socket
import sys
import tempfile
import time


def registry_dir():
    if os.environ.get("JARVIS_REGISTRY_DIR"):
        return os.environ["JARVIS_REGISTRY_DIR"]
    home = os.environ.get("TRINITY_HOME") or os.path.join(os.path.expanduser("~"), ".jarvis")
    return os.path.join(home, "registry")


def machine_id():
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            with open(candidate) as f:
                value = f.read().strip()
                if value:
                    return value
        except OSError:
            pass
    return socket.gethostname()


def read_services(directory):
    """The services as the file has them now (no lock needed: the file is replaced atomically)."""
    try:
        with open(os.path.join(directory, "services.json")) as f:
            return json.load(f).get("services", {})
    except (FileNotFoundError, ValueError):
        return {}


def update(directory, change):
    """Applies change(services) under the registry lock and writes the result atomically."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "services.json")
    with open(os.path.join(directory, "services.json.lock"), "a") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        try:
            try:
                with open(path) as f:
                    document = json.load(f)
                if not isinstance(document, dict) or not isinstance(document.get("services", {}), dict):
                    raise ValueError("not a registry document")
            except FileNotFoundError:
                document = {"services": {}}
            except ValueError as problem:
                aside = path + ".corrupt-" + time.strftime("%Y%m%d-%H%M%S")
                os.replace(path, aside)
                print(f"registry file was unreadable ({problem}); kept it as {aside}", file=sys.stderr)
                document = {"services": {}}
            services = document.setdefault("services", {})
            change(services)
            document["updated_at"] = time.time()
            fd, temp = tempfile.mkstemp(dir=directory, prefix="services.json.", suffix=".tmp")
            with os.fdopen(fd, "w") as out:
                json.dump(document, out, indent=2)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
            folder = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        finally:
            fcntl.lockf(lock, fcntl.LOCK_UN)


def register(directory, name, port=None, status="starting", metadata=None):
    now = time.time()
    entry = {
        "service_name": name,
        "pid": os.getpid(),
        "host": machine_id(),
        "address": "127.0.0.1",
        "port": port,
        "health_endpoint": "/health" if port else None,
        "status": status,
        "registered_at": now,
        "last_heartbeat": now,
        "metadata": metadata or {"language": "python"},
    }
    update(directory, lambda services: services.__setitem__(name, entry))
    return entry


def heartbeat(directory, name, status=None):
    def change(services):
        if name not in services:
            raise KeyError(f"unknown service {name}")
        services[name]["last_heartbeat"] = time.time()
        if status:
            services[name]["status"] = status
    update(directory, change)


def deregister(directory, name):
    update(directory, lambda services: services.pop(name, None))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    reg = commands.add_parser("register")
    reg.add_argument("name")
    reg.add_argument("--port", type=int)
    reg.add_argument("--status", default="starting")
    beat = commands.add_parser("heartbeat")
    beat.add_argument("name")
    beat.add_argument("--status")
    dereg = commands.add_parser("deregister")
    dereg.add_argument("name")
    stress = commands.add_parser("stress")
    stress.add_argument("prefix")
    stress.add_argument("count", type=int)
    args = parser.parse_args()
    directory = registry_dir()
    if args.command == "list":
        print(json.dumps(read_services(directory), indent=2))
    elif args.command == "register":
        print(json.dumps(register(directory, args.name, args.port, args.status), indent=2))
    elif args.command == "heartbeat":
        heartbeat(directory, args.name, args.status)
    elif args.command == "deregister":
        deregister(directory, args.name)
    elif args.command == "stress":
        for i in range(args.count):
            name = f"{args.prefix}-{i}"
            register(directory, name, 10000 + i, "starting", {"heartbeats": 3})
            for beat_number in range(3):
                heartbeat(directory, name, "healthy" if beat_number % 2 == 0 else "degraded")
            heartbeat(directory, name, "healthy")
        print(f"done {args.prefix}")


if __name__ == "__main__":
    main()
