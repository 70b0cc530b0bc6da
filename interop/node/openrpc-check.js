// npm's @open-rpc/schema-utils-js judging the OpenRPC document a hello-rpc server answers to
// rpc.discover, fetched over TCP with jayson's JSON-RPC 2.0 client; then each call on stdin is
// judged by its MethodCallValidator and made for real, so that the verdicts can be compared with
// what the server answers.
//
//   node openrpc-check.js PORT < calls.json     calls.json: [{"method":"Handler.Execute","params":[{"Name":"ciro"}]}, ...]
//
// Prints one line per check: "document: valid" (meta-schema), "dereferenced: N methods, no $ref
// left", then per call "<method> <params>: accepted|rejected; server: result <json>|error <code>".
'use strict';

const fs = require('fs');
const jayson = require('jayson');
const {
  validateOpenRPCDocument,
  dereferenceDocument,
  MethodCallValidator,
} = require('@open-rpc/schema-utils-js');

function request(client, method, params, id) {
  return new Promise((resolve, reject) => {
    client.request(method, params, id, (err, response) => {
      if (err) {
        reject(err);
      } else {
        resolve(response);
      }
    });
  });
}

/** The paths of the "$ref" members left anywhere in the tree (dereferenced schemas may share nodes, or be cyclic). */
function refsLeft(node, path, seen, found) {
  if (node === null || typeof node !== 'object' || seen.has(node)) {
    return found;
  }
  seen.add(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') {
      found.push(path);
    }
    refsLeft(value, `${path}/${key}`, seen, found);
  }
  return found;
}

async function run(port, calls) {
  const client = jayson.client.tcp({ host: '127.0.0.1', port: port, version: 2 });
  const discovered = await request(client, 'rpc.discover', [], 1);
  if (discovered.error) {
    console.log(`rpc.discover: error ${discovered.error.code} ${discovered.error.message}`);
    return;
  }
  const document = discovered.result;
  const valid = validateOpenRPCDocument(JSON.parse(JSON.stringify(document)));
  console.log(valid === true ? 'document: valid' : `document: invalid ${valid.message}`);

  const dereferenced = await dereferenceDocument(JSON.parse(JSON.stringify(document)));
  const left = refsLeft(dereferenced.methods, '#/methods', new Set(), []);
  console.log(left.length === 0
    ? `dereferenced: ${dereferenced.methods.length} methods, no $ref left`
    : `dereferenced: $ref left at ${left.join(', ')}`);

  const validator = new MethodCallValidator(dereferenced);
  let id = 2;
  for (const call of calls) {
    const verdict = validator.validate(call.method, call.params);
    const accepted = Array.isArray(verdict) && verdict.length === 0;
    const response = await request(client, call.method, call.params, id++);
    const answer = response.error ? `error ${response.error.code}` : `result ${JSON.stringify(response.result)}`;
    console.log(`${call.method} ${JSON.stringify(call.params)}: ${accepted ? 'accepted' : 'rejected'}; server: ${answer}`);
  }
}

run(Number(process.argv[2]), JSON.parse(fs.readFileSync(0, 'utf8') || '[]')).catch((err) => {
  console.error(err);
  process.exit(1);
});
