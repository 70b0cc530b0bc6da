// An independent JSON-RPC 2.0 peer for hello-rpc's interop tests, made with npm's jayson (TCP).
//
//   node jayson-peer.js client PORT   calls Handler.Execute on 127.0.0.1:PORT; prints one line per check
//                                     (a notification's line says what came back for it: nothing)
//   node jayson-peer.js server        a jayson TCP server with Handler.Execute, Handler.Note, Calc.subtract
//                                     (two params, by position or name) and Calc.answer (none) on
//                                     127.0.0.1 and a free port; prints "listening on 127.0.0.1:PORT"
'use strict';

const jayson = require('jayson');

function show(label, err, response) {
  if (err) {
    console.log(`${label}: transport error: ${err.message}`);
  } else if (Array.isArray(response)) {
    const parts = response
      .slice()
      .sort((a, b) => String(a.id).localeCompare(String(b.id)))
      .map((r) => (r.error ? `${r.id}=error ${r.error.code} ${r.error.message}` : `${r.id}=${JSON.stringify(r.result)}`));
    console.log(`${label}: ${parts.join('; ')}`);
  } else if (response.error) {
    console.log(`${label}: error ${response.error.code} ${response.error.message}`);
  } else {
    console.log(`${label}: ${JSON.stringify(response.result)} (jsonrpc ${response.jsonrpc})`);
  }
}

function request(client, method, params, id) {
  return new Promise((resolve) => {
    client.request(method, params, id, (err, response) => resolve([err, response]));
  });
}

async function runClient(port) {
  const client = jayson.client.tcp({ host: '127.0.0.1', port: port, version: 2 });
  show('call', ...(await request(client, 'Handler.Execute', [{ Name: 'jayson' }], 1)));
  show('named params', ...(await request(client, 'Handler.Execute', { Name: 'named' }, 2)));
  show('error object', ...(await request(client, 'Handler.Execute', [{ Name: '' }], 3)));
  show('unknown method', ...(await request(client, 'Handler.Nope', [{}], 4)));
  const batch = [
    client.request('Handler.Execute', [{ Name: 'b1' }], 'b1'),
    client.request('Handler.Execute', [{ Name: 'b2' }], null, false), // a notification
    client.request('Handler.Execute', { Name: 'b3' }, 'b3'),
  ];
  show('batch with a notification', ...(await new Promise((resolve) => client.request(batch, (err, responses) => resolve([err, responses])))));
  console.log(`notification: ${await notify(client, 'Handler.Execute', [{ Name: 'n' }])}`);
}

// Sends a notification on a connection of its own (as jayson does) and reports what came back on
// it before the server closed it: a server must answer a notification with nothing.
function notify(client, method, params) {
  return new Promise((resolve) => {
    client.once('tcp socket', (conn) => {
      let received = '';
      conn.on('data', (data) => {
        received += String(data);
      });
      conn.on('close', () => resolve(received === '' ? 'sent, nothing came back' : `sent, got back ${JSON.stringify(received)}`));
    });
    client.request(method, params, null, (err) => {
      if (err) {
        resolve(`transport error: ${err.message}`);
      }
    });
  });
}

function runServer() {
  const server = new jayson.Server({
    'Handler.Execute': function (args, callback) {
      const request = Array.isArray(args) ? args[0] : args;
      const name = request && (request.Name || request.name);
      if (!name) {
        callback({ code: 4000, message: 'A name must be specified', data: { field: 'Name' } });
        return;
      }
      callback(null, { Message: 'Hello ' + name });
    },
    // Two params, by position ([minuend, subtrahend]) or by name, as the JSON-RPC 2.0 spec's subtract.
    'Calc.subtract': function (args, callback) {
      if (Array.isArray(args) && args.length === 2) {
        callback(null, args[0] - args[1]);
      } else if (args && !Array.isArray(args) && 'minuend' in args && 'subtrahend' in args && Object.keys(args).length === 2) {
        callback(null, args.minuend - args.subtrahend);
      } else {
        callback({ code: -32602, message: 'Invalid params: ' + JSON.stringify(args) });
      }
    },
    // No params: answers what it was given, so that a caller can see none came.
    'Calc.answer': function (args, callback) {
      callback(null, { answer: 42, given: args === undefined ? 'nothing' : JSON.stringify(args) });
    },
    'Handler.Note': function (args, callback) {
      console.log('note: ' + JSON.stringify(args));
      callback(null, true);
    },
  });
  const tcp = server.tcp();
  tcp.listen(0, '127.0.0.1', () => {
    console.log(`listening on 127.0.0.1:${tcp.address().port}`);
  });
}

const [mode, port] = process.argv.slice(2);
if (mode === 'client') {
  runClient(Number(port)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else if (mode === 'server') {
  runServer();
} else {
  console.error('usage: node jayson-peer.js client PORT | server');
  process.exit(64);
}
