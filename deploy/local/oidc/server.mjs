// Local OpenID Provider for Guichet (development and tests only).
//
//   OIDC_HOST=127.0.0.1 OIDC_PORT=18480 OIDC_PUBLIC_BASE_URL=http://127.0.0.1:18480 node server.mjs
//
// Serves Keycloak's URL layout for realm "guichet" (issuer <base>/realms/guichet), binds only
// to OIDC_HOST, prints exactly one line `ready <issuer>` on stdout once listening, and stops
// cleanly on SIGTERM/SIGINT. Keys, sessions and tokens are in memory and vanish on restart.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

import { ClientDirectory, UserDirectory } from './lib/directory.mjs';
import { sendJson } from './lib/http.mjs';
import { InteractionHandler } from './lib/interactions.mjs';
import { generateSigningKey } from './lib/keys.mjs';
import { ROUTES, buildProvider } from './lib/provider.mjs';
import { UserinfoHandler } from './lib/userinfo.mjs';

const REALM = 'guichet';

// stdout carries only the ready line; library notices go to stderr.
console.info = console.error;
console.log = console.error;

function setting(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} must be set (OIDC_HOST, OIDC_PORT, OIDC_PUBLIC_BASE_URL)`);
    process.exit(2);
  }
  return value;
}

const host = setting('OIDC_HOST');
const port = Number.parseInt(setting('OIDC_PORT'), 10);
const issuer = `${setting('OIDC_PUBLIC_BASE_URL').replace(/\/+$/, '')}/realms/${REALM}`;
const realmPath = new URL(issuer).pathname;
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const users = UserDirectory.load(here('./users.json'));
const clients = ClientDirectory.load(here('./clients.json'));
const signingKey = generateSigningKey();
const provider = buildProvider({ issuer, realmPath, users, clients, signingKey });
const providerCallback = provider.callback();
const interactions = new InteractionHandler({ provider, users, clients, realmPath });
const userinfo = new UserinfoHandler({ issuer, signingKey, users, path: `${realmPath}${ROUTES.userinfo}` });

// oidc-provider is mounted at the realm path, as Express would mount it.
function forwardToProvider(req, res) {
  req.originalUrl = req.url;
  req.url = req.url.slice(realmPath.length) || '/';
  return providerCallback(req, res);
}

async function route(req, res) {
  const { pathname } = new URL(req.url, 'http://local');
  if (pathname === '/health/ready' || pathname === '/health/live') {
    sendJson(res, 200, { status: 'UP' });
  } else if (await userinfo.handle(req, res, pathname)) {
    // answered
  } else if (await interactions.handle(req, res, pathname)) {
    // answered
  } else if (pathname.startsWith(`${realmPath}/`)) {
    await forwardToProvider(req, res);
  } else {
    sendJson(res, 404, { error: 'not_found' });
  }
}

const server = createServer((req, res) => {
  route(req, res).catch((err) => {
    console.error('request failed', err);
    if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
    else res.destroy();
  });
});

server.on('error', (err) => {
  console.error(`cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

function stop(signal) {
  console.error(`${signal} received, stopping`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 3000).unref();
}
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));

server.listen(port, host, () => {
  process.stdout.write(`ready ${issuer}\n`);
});
