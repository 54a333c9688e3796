// Demo users and registered clients, loaded once from the JSON files next to server.mjs.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ACR_LEVELS } from './assurance.mjs';

const REQUIRED_USER_FIELDS = ['username', 'password', 'description', 'sub', 'email', 'name', 'locale', 'roles', 'organization', 'acr'];
const CITIZEN_FIELDS = ['egovNRN', 'givenName', 'surname', 'prefLanguage'];
const NIS_CODE = /^\d{5}$/;

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Belgian national register number: 9 digits + mod-97 check (born >= 2000: prefix "2").
export function isValidNrn(value) {
  if (!/^\d{11}$/.test(value)) return false;
  const base = BigInt(value.slice(0, 9));
  const check = BigInt(value.slice(9));
  return 97n - (base % 97n) === check || 97n - ((2000000000n + base) % 97n) === check;
}

function validateUser(user) {
  for (const field of REQUIRED_USER_FIELDS) {
    if (user[field] === undefined) throw new Error(`users.json: ${user.username ?? '?'} lacks "${field}"`);
  }
  if (!ACR_LEVELS.includes(user.acr)) throw new Error(`users.json: ${user.username} has unknown acr ${user.acr}`);
  if (!user.organization.every((code) => NIS_CODE.test(code))) {
    throw new Error(`users.json: ${user.username} organization must list 5-digit NIS codes`);
  }
  if (user.egovNRN !== undefined) {
    for (const field of CITIZEN_FIELDS) {
      if (user[field] === undefined) throw new Error(`users.json: citizen ${user.username} lacks "${field}"`);
    }
    if (!isValidNrn(user.egovNRN)) throw new Error(`users.json: ${user.username} has an invalid egovNRN checksum`);
  }
}

const digest = (text) => createHash('sha256').update(text, 'utf8').digest();

export class UserDirectory {
  #byUsername = new Map();
  #bySub = new Map();

  constructor(users) {
    for (const user of users) {
      validateUser(user);
      if (this.#byUsername.has(user.username) || this.#bySub.has(user.sub)) {
        throw new Error(`users.json: duplicate user ${user.username}`);
      }
      this.#byUsername.set(user.username, user);
      this.#bySub.set(user.sub, user);
    }
  }

  static load(path) {
    return new UserDirectory(readJson(path).users);
  }

  bySub(sub) {
    return this.#bySub.get(sub);
  }

  // Constant-time password check; an unknown username costs the same as a wrong password.
  authenticate(username, password) {
    const user = this.#byUsername.get(username);
    const expected = digest(user ? user.password : '\u0000unknown-user');
    const ok = timingSafeEqual(expected, digest(password ?? ''));
    return ok && user ? user : undefined;
  }
}

export class ClientDirectory {
  #byId = new Map();

  constructor(entries) {
    for (const entry of entries) {
      if (this.#byId.has(entry.client_id)) throw new Error(`clients.json: duplicate ${entry.client_id}`);
      this.#byId.set(entry.client_id, entry);
    }
  }

  static load(path) {
    return new ClientDirectory(readJson(path).clients);
  }

  // Client metadata in the shape oidc-provider expects.
  providerMetadata() {
    return [...this.#byId.values()].map((entry) => ({ client_id: entry.client_id, ...entry.metadata }));
  }

  isFirstParty(clientId) {
    return this.#byId.get(clientId)?.first_party === true;
  }

  accessTokenTtl(clientId, fallback) {
    return this.#byId.get(clientId)?.access_token_ttl ?? fallback;
  }

  serviceAccountRoles(clientId) {
    return this.#byId.get(clientId)?.service_account_roles ?? [];
  }
}
