// npm's jayson (TCP client, JSON-RPC 2.0) calling methods a hello-rpc server publishes with
// @RpcMapping: several params positionally and by name, varargs, none, and bad params.
//
//   node jayson-mapped.js PORT   one line per call, as jayson hands back the reply
'use strict';

const jayson = require('jayson');

function request(client, method, params, id) {
  return new Promise((resolve) => {
    client.request(method, params, id, (err, response) => {
      if (err) {
        resolve(`transport error: ${err.message}`);
      } else if (response.error) {
        resolve(`error ${response.error.code} ${response.error.message}`);
      } else {
        resolve(JSON.stringify(response.result));
      }
    });
  });
}

async function run(port) {
  const client = jayson.client.tcp({ host: '127.0.0.1', port: port, version: 2 });
  console.log(`positional: ${await request(client, 'subtract', [42, 23], 1)}`);
  console.log(`named: ${await request(client, 'subtract', { subtrahend: 23, minuend: 42 }, 2)}`);
  console.log(`varargs: ${await request(client, 'sum', [1, 2, 4], 3)}`);
  console.log(`no params: ${await request(client, 'get_data', [], 4)}`);
  console.log(`missing: ${await request(client, 'subtract', { minuend: 42 }, 5)}`);
}

run(Number(process.argv[2])).catch((err) => {
  console.error(err);
  process.exit(1);
});
