// Keycloak-compatible userinfo endpoint. oidc-provider's own userinfo only accepts opaque
// tokens without audience; Keycloak accepts the (JWT) access token the client already holds,
// so this endpoint verifies our JWT access tokens itself and releases claims per scope.
import { verify as verifySignature } from 'node:crypto';

import { API_AUDIENCE, claimsForScopes } from './claims.mjs';
import { BodyTooLarge, isLoopbackOrigin, readForm, sendJson } from './http.mjs';

class InvalidToken extends Error {}

const decodePart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function verifyAccessToken(token, { signingKey, issuer }) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidToken('malformed token');
  let header;
  let payload;
  try {
    header = decodePart(parts[0]);
    payload = decodePart(parts[1]);
  } catch {
    throw new InvalidToken('malformed token');
  }
  if (header.alg !== 'RS256' || header.kid !== signingKey.kid) throw new InvalidToken('unknown key');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  if (!verifySignature('RSA-SHA256', signed, signingKey.publicKey, Buffer.from(parts[2], 'base64url'))) {
    throw new InvalidToken('bad signature');
  }
  const audiences = [payload.aud].flat();
  if (payload.iss !== issuer || !audiences.includes(API_AUDIENCE)) throw new InvalidToken('wrong issuer or audience');
  if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) throw new InvalidToken('token expired');
  const scopes = (payload.scope ?? '').split(' ');
  if (!scopes.includes('openid')) throw new InvalidToken('token lacks the openid scope');
  return { sub: payload.sub, scopes };
}

async function bearerToken(req) {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match) return match[1];
  const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (req.method === 'POST' && isForm) return (await readForm(req)).get('access_token') ?? undefined;
  return undefined;
}

export class UserinfoHandler {
  constructor({ issuer, signingKey, users, path }) {
    this.issuer = issuer;
    this.signingKey = signingKey;
    this.users = users;
    this.path = path;
  }

  async handle(req, res, pathname) {
    if (pathname !== this.path) return false;
    const origin = req.headers.origin;
    const cors = isLoopbackOrigin(origin)
      ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'WWW-Authenticate' }
      : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Authorization, Content-Type' });
      res.end();
    } else if (req.method !== 'GET' && req.method !== 'POST') {
      sendJson(res, 405, { error: 'invalid_request' }, { Allow: 'GET, POST', ...cors });
    } else {
      await this.#respond(req, res, cors);
    }
    return true;
  }

  async #respond(req, res, cors) {
    let token;
    try {
      token = await bearerToken(req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      sendJson(res, 413, { error: 'invalid_request' }, cors);
      return;
    }
    if (!token) {
      sendJson(res, 401, { error: 'invalid_request', error_description: 'no access token provided' }, {
        'WWW-Authenticate': 'Bearer realm="guichet"', ...cors,
      });
      return;
    }
    try {
      const { sub, scopes } = verifyAccessToken(token, this);
      const user = this.users.bySub(sub);
      if (!user) throw new InvalidToken('token has no end-user');
      sendJson(res, 200, claimsForScopes(user, scopes), cors);
    } catch (err) {
      if (!(err instanceof InvalidToken)) throw err;
      sendJson(res, 401, { error: 'invalid_token', error_description: err.message }, {
        'WWW-Authenticate': `Bearer realm="guichet", error="invalid_token", error_description="${err.message}"`, ...cors,
      });
    }
  }
}
