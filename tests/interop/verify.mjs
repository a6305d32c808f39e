// Verify the registry's credentials with implementations that share no code with it, offline.
//
//   node verify.mjs INPUT.json    ->   prints one JSON object: {versions, results: [...]}
//
// INPUT: {contexts: {url: file}, documents: {url: file}, schema: file, now: ISO date-time,
//         cases: [{name, format: "json" | "jwt", file, offline: [url, ...]}]}
// - "json": Digital Bazaar's Data Integrity stack (@digitalbazaar/vc, data-integrity,
//   eddsa-rdfc-2022-cryptosuite, ed25519-multikey), status by @digitalbazaar/vc-bitstring-status-list;
// - "jwt": VC-JOSE by panva/jose, the key taken from the JsonWebKey the header's kid names in the DID
//   document, then the same status check;
// - both: Ajv against the official 1EdTech Open Badges 3.0 JSON schema.
// The document loader serves only what INPUT lists (pinned contexts, the DID document, status lists):
// nothing is fetched, and a case's `offline` URLs are withheld to show that an unreachable status list
// fails verification.
import fs from 'node:fs';
import {createRequire} from 'node:module';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import {decodeProtectedHeader, importJWK, jwtVerify} from 'jose';

const PACKAGES = [
  '@digitalbazaar/vc', '@digitalbazaar/data-integrity', '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  '@digitalbazaar/ed25519-multikey', '@digitalbazaar/vc-bitstring-status-list', 'jsonld-signatures', 'jsonld',
  'rdf-canonize', 'jose', 'ajv', 'ajv-formats',
];

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));

function versions() {
  const require = createRequire(import.meta.url);
  const found = {};
  for(const name of PACKAGES) {
    // package.json is not always exported: read it from where the package's entry point lives
    const entry = require.resolve(name).split(`node_modules/${name}/`)[0];
    found[name] = readJson(`${entry}node_modules/${name}/package.json`).version;
  }
  return found;
}

function makeLoader(input, offline = []) {
  const documents = new Map();
  for(const [url, file] of Object.entries({...input.contexts, ...input.documents})) {
    if(!offline.includes(url)) {
      documents.set(url, readJson(file));
    }
  }
  return async url => {
    const [base, fragment] = url.split('#');
    const document = documents.get(base);
    if(!document) {
      throw new Error(`offline document loader: ${url} is not available`);
    }
    if(fragment === undefined) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
    }
    // a DID URL naming one verification method of a DID document
    const method = (document.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`offline document loader: no verification method ${url}`);
    }
    return {contextUrl: null, documentUrl: url,
      document: {'@context': document['@context'], ...structuredClone(method)}};
  };
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

const message = error => {
  if(!error) {
    return null;
  }
  const errors = Array.isArray(error) ? error : [error];
  return errors.map(e => (e.errors ? message(e.errors) : e.message || String(e))).join('; ');
};

function statusOf(statusResult) {
  if(!statusResult) {
    return {checked: false, revoked: null, error: null};
  }
  const revoked = statusResult.verified ?
    statusResult.results.some(result => result.status === true) : null;
  return {checked: statusResult.verified === true, revoked, error: message(statusResult.error)};
}

async function verifyDataIntegrity(credential, documentLoader, now) {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus, now});
  const status = statusOf(result.statusResult);
  return {
    signature: result.verified === true || result.statusResult !== undefined,
    verified: result.verified === true && status.revoked === false,
    status,
    errors: [message(result.error), status.error].filter(Boolean),
  };
}

async function verifyJwt(token, documentLoader, now) {
  const out = {signature: false, verified: false, status: statusOf(null), errors: [], kid: null};
  let credential;
  try {
    const {kid} = decodeProtectedHeader(token);
    out.kid = kid;
    const did = String(kid).split('#')[0];
    const {document} = await documentLoader(did);
    const method = document.verificationMethod.find(m => m.id === kid);
    if(!method || method.type !== 'JsonWebKey' || !document.assertionMethod.includes(kid)) {
      throw new Error(`kid ${kid} is not a JsonWebKey assertion method of ${did}`);
    }
    const key = await importJWK(method.publicKeyJwk, 'EdDSA');
    ({payload: credential} = await jwtVerify(token, key, {algorithms: ['EdDSA'], typ: 'vc+jwt'}));
    const issuer = typeof credential.issuer === 'object' ? credential.issuer.id : credential.issuer;
    if(issuer !== did) {
      throw new Error(`issuer ${issuer} does not control kid ${kid}`);
    }
    out.signature = true;
  } catch(error) {
    out.errors.push(message(error));
    return {out, credential: null};
  }
  const statusResult = await checkStatus({credential, documentLoader, suite, verifyBitstringStatusListCredential: true});
  out.status = statusOf(statusResult);
  if(out.status.error) {
    out.errors.push(out.status.error);
  }
  if(new Date(credential.validFrom) > new Date(now)) {
    out.errors.push('not yet valid');
  }
  out.verified = out.status.revoked === false && out.errors.length === 0;
  return {out, credential};
}

async function main() {
  const input = readJson(process.argv[2]);
  const ajv = new Ajv2019({allErrors: true, strict: false});
  addFormats(ajv);
  const validate = ajv.compile(readJson(input.schema));
  const results = [];
  for(const item of input.cases) {
    const documentLoader = makeLoader(input, item.offline || []);
    const text = fs.readFileSync(item.file, 'utf8').trim();
    let outcome;
    let credential;
    try {
      if(item.format === 'jwt') {
        ({out: outcome, credential} = await verifyJwt(text, documentLoader, input.now));
        credential = credential || JSON.parse(Buffer.from(text.split('.')[1], 'base64url'));
      } else {
        credential = JSON.parse(text);
        outcome = await verifyDataIntegrity(credential, documentLoader, input.now);
      }
    } catch(error) {
      outcome = {signature: false, verified: false, status: statusOf(null), errors: [message(error)]};
    }
    const schemaValid = validate(credential) === true;
    const schemaErrors = (validate.errors || []).slice(0, 5).map(e => `${e.instancePath || '/'} ${e.message}`);
    results.push({name: item.name, format: item.format, ...outcome, schemaValid, schemaErrors});
  }
  process.stdout.write(JSON.stringify({versions: versions(), results}, null, 1) + '\n');
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
