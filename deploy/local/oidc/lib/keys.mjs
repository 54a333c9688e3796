// Signing keys are generated at every start and live only in memory: consumers must fetch
// the JWKS (…/protocol/openid-connect/certs) instead of pinning a key.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export function generateSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(12).toString('base64url');
  return {
    kid,
    publicKey,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
  };
}

export const randomSecret = () => randomBytes(32).toString('base64url');
