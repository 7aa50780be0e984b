#!/usr/bin/env node
// A small AMQP 1.0 client of trinity-camel's broker channels, with rhea (npm install, in this folder).
//
//   node trinity-client.js enqueue QUEUE JSON [--key IDEMPOTENCY_KEY]
//   node trinity-client.js subscribe PATTERN [--count N] [--timeout SECONDS]
//   node trinity-client.js rpc SERVICE METHOD [PARAMS_JSON] [--timeout SECONDS]
//
// The broker is TRINITY_AMQP_URL (default amqp://127.0.0.1:5672), or --url. Output is JSON, one object per line.
// Exit codes: 0 done, 1 the broker or the call failed (an error reply, a timeout), 2 usage error.
'use strict';
const rhea = require('rhea');
const crypto = require('crypto');

function parseArguments(argv) {
  const options = { url: process.env.TRINITY_AMQP_URL || 'amqp://127.0.0.1:5672', count: 1, timeout: 30, key: null };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (['--url', '--key', '--count', '--timeout'].includes(flag)) {
      options[flag.slice(2)] = argv[++i];
    } else if (flag.startsWith('--')) {
      usage(`unknown option ${flag}`);
    } else {
      positional.push(flag);
    }
  }
  options.count = Number(options.count);
  options.timeout = Number(options.timeout);
  return { command: positional[0], args: positional.slice(1), options };
}

function usage(problem) {
  console.error(`trinity-client: ${problem} (commands: enqueue QUEUE JSON, subscribe PATTERN, rpc SERVICE METHOD [PARAMS])`);
  process.exit(2);
}

function fail(problem) {
  console.error(`trinity-client: error: ${problem}`);
  process.exit(1);
}

const { command, args, options } = parseArguments(process.argv.slice(2));
const url = new URL(options.url);
const connection = rhea.connect({ host: url.hostname, port: Number(url.port || 5672), reconnect: false });
connection.on('connection_error', (context) => fail(`connection: ${context.connection.error || 'refused'}`));
connection.on('disconnected', (context) => { if (context.error) fail(`connection: ${context.error.message}`); });
const deadline = setTimeout(() => fail(`no answer within ${options.timeout} s`), options.timeout * 1000);
const done = (code) => { clearTimeout(deadline); connection.close(); connection.once('connection_close', () => process.exit(code)); };
const parse = (body) => (typeof body === 'string' ? JSON.parse(body) : body);

if (command === 'enqueue' && args.length === 2) {
  // Durable, JSON text; the idempotency key is Artemis' duplicate-detection id.
  const properties = options.key ? { _AMQ_DUPL_ID: options.key } : {};
  const sender = connection.open_sender(`queue://trinity.queue.${args[0]}`);
  sender.on('sendable', () => {
    sender.send({ body: JSON.stringify(JSON.parse(args[1])), content_type: 'application/json', durable: true,
      application_properties: properties });
  });
  sender.on('accepted', () => { console.log(JSON.stringify({ queue: `trinity.queue.${args[0]}`, sent: true })); done(0); });
  sender.on('rejected', (context) => fail(`rejected: ${JSON.stringify(context.delivery.remote_state.error)}`));
} else if (command === 'subscribe' && args.length === 1) {
  // Events whose topic matches PATTERN (`*` one word, `#` any number), as they arrive.
  let received = 0;
  const receiver = connection.open_receiver(`topic://trinity.events.${args[0]}`);
  receiver.on('receiver_open', () => console.log(JSON.stringify({ subscribed: args[0] })));
  receiver.on('message', (context) => {
    const message = context.message;
    console.log(JSON.stringify({ topic: message.to, event: parse(message.body), properties: message.application_properties }));
    if (++received >= options.count) done(0);
  });
} else if (command === 'rpc' && (args.length === 2 || args.length === 3)) {
  // A request with reply-to and correlation id; the answer, or the remote error, within the timeout.
  const [service, method, params] = args;
  const correlation = crypto.randomUUID();
  const replies = connection.open_receiver({ source: { dynamic: true } });
  replies.on('receiver_open', (context) => {
    const sender = connection.open_sender(`queue://trinity.rpc.${service}`);
    sender.once('sendable', () => sender.send({
      body: JSON.stringify({ method, params: JSON.parse(params || '{}') }), content_type: 'application/json',
      durable: false, ttl: options.timeout * 1000, reply_to: context.receiver.source.address, correlation_id: correlation,
    }));
  });
  replies.on('message', (context) => {
    const answer = parse(context.message.body);
    console.log(JSON.stringify({ correlation_id: context.message.correlation_id, ...answer }));
    done(answer.error ? 1 : 0);
  });
} else {
  usage(command ? `bad arguments for ${command}` : 'no command');
}
