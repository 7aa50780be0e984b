#!/usr/bin/python3
"""A small AMQP 1.0 client of trinity-camel's broker channels, with Debian's python3-qpid-proton
(apt-get install python3-qpid-proton; run it with /usr/bin/python3).

    trinity_client.py enqueue QUEUE JSON [--key IDEMPOTENCY_KEY] [--property NAME=VALUE ...]
    trinity_client.py subscribe PATTERN [--count N] [--timeout SECONDS]
    trinity_client.py rpc SERVICE METHOD [PARAMS_JSON] [--timeout SECONDS]
    trinity_client.py experiences FILE.jsonl      (one experience per line; - reads stdin)

The broker is TRINITY_AMQP_URL (default amqp://127.0.0.1:5672), or --url. Output is JSON, one object per line.
Exit codes: 0 done, 1 the broker or the call failed (an error reply, a timeout), 2 usage error.
"""
import argparse
import json
import os
import sys
import uuid

from proton import Message
from proton.utils import BlockingConnection


def enqueue(connection, args):
    """Durable, persistent, JSON text; the idempotency key is Artemis' duplicate-detection id."""
    properties = dict(pair.split("=", 1) for pair in args.property)
    if args.key:
        properties["_AMQ_DUPL_ID"] = args.key
    message = Message(body=json.dumps(json.loads(args.json)), content_type="application/json", durable=True,
                      properties=properties)
    sender = connection.create_sender("queue://trinity.queue." + args.queue)
    sender.send(message)  # returns once the broker accepted it
    print(json.dumps({"queue": "trinity.queue." + args.queue, "sent": True, "key": args.key}))
    return 0


def subscribe(connection, args):
    """Events of the bus whose topic matches PATTERN (`*` one word, `#` any number), as they arrive."""
    receiver = connection.create_receiver("topic://trinity.events." + args.pattern)
    print(json.dumps({"subscribed": args.pattern}), flush=True)
    for _ in range(args.count):
        message = receiver.receive(timeout=args.timeout)
        receiver.accept()
        event = json.loads(message.body) if isinstance(message.body, str) else message.body
        print(json.dumps({"topic": message.address, "event": event, "properties": message.properties}), flush=True)
    return 0


def rpc(connection, args):
    """A request with reply-to and correlation id; the answer, or the remote error, within the timeout."""
    replies = connection.create_receiver(None, dynamic=True)
    correlation = str(uuid.uuid4())
    request = Message(body=json.dumps({"method": args.method, "params": json.loads(args.params)}),
                      content_type="application/json", durable=False, ttl=args.timeout,
                      reply_to=replies.remote_source.address, correlation_id=correlation)
    connection.create_sender("queue://trinity.rpc." + args.service).send(request)
    reply = replies.receive(timeout=args.timeout)
    replies.accept()
    answer = json.loads(reply.body)
    print(json.dumps({"correlation_id": reply.correlation_id, **answer}))
    return 1 if "error" in answer else 0


def experiences(connection, args):
    """One durable message per experience on trinity.experiences; an experience's id is its duplicate-detection id,
    so sending the same file twice stores each experience once."""
    sender = connection.create_sender("queue://trinity.experiences")
    lines = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
    sent = 0
    with lines:
        for line in lines:
            if not line.strip():
                continue
            experience = json.loads(line)
            properties = {"_AMQ_DUPL_ID": experience["id"]} if "id" in experience else {}
            sender.send(Message(body=json.dumps(experience), content_type="application/json", durable=True,
                                properties=properties))
            sent += 1
    print(json.dumps({"address": "trinity.experiences", "sent": sent}))
    return 0


def main():
    parser = argparse.ArgumentParser(description="AMQP client of trinity-camel's channels")
    parser.add_argument("--url", default=os.environ.get("TRINITY_AMQP_URL", "amqp://127.0.0.1:5672"))
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("enqueue")
    command.add_argument("queue")
    command.add_argument("json")
    command.add_argument("--key")
    command.add_argument("--property", action="append", default=[])
    command = commands.add_parser("subscribe")
    command.add_argument("pattern")
    command.add_argument("--count", type=int, default=1)
    command.add_argument("--timeout", type=float, default=30)
    command = commands.add_parser("rpc")
    command.add_argument("service")
    command.add_argument("method")
    command.add_argument("params", nargs="?", default="{}")
    command.add_argument("--timeout", type=float, default=10)
    command = commands.add_parser("experiences")
    command.add_argument("file")
    args = parser.parse_args()
    connection = BlockingConnection(args.url, timeout=30)
    try:
        return {"enqueue": enqueue, "subscribe": subscribe, "rpc": rpc, "experiences": experiences}[args.command](connection, args)
    finally:
        connection.close()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # the one line a script can act on, never a traceback
        print("trinity_client: error: %s: %s" % (type(error).__name__, error), file=sys.stderr)
        sys.exit(1)
