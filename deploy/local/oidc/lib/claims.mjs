// Which claims each scope releases, and the claim values of a demo user.
// Same layout as the Keycloak realm export (deploy/keycloak/guichet-realm.json).

export const API_AUDIENCE = 'urn:guichet:api';

export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['preferred_username', 'name', 'locale'],
  email: ['email', 'email_verified'],
  roles: ['realm_access'],
  organization: ['organization'],
  egovnrn: ['egovNRN', 'givenName', 'surname', 'prefLanguage'],
};

export const SCOPES = ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS).filter((s) => s !== 'openid')];

// Keycloak's default client scopes of the Guichet clients: their claims are in every access
// token whatever the scope parameter. `organization` and `egovnrn` are optional scopes there
// (Keycloak's organization mapper only emits when the scope is requested), so here too.
export const DEFAULT_ACCESS_TOKEN_SCOPES = ['profile', 'email', 'roles'];

export function userClaims(user) {
  const claims = {
    sub: user.sub,
    preferred_username: user.username,
    name: user.name,
    locale: user.locale,
    email: user.email,
    email_verified: true,
    realm_access: { roles: [...user.roles] },
  };
  // Keycloak's organization mapper omits the claim for users outside any organization.
  if (user.organization.length > 0) claims.organization = [...user.organization];
  if (user.egovNRN !== undefined) {
    Object.assign(claims, {
      egovNRN: user.egovNRN,
      givenName: user.givenName,
      surname: user.surname,
      prefLanguage: user.prefLanguage,
    });
  }
  return claims;
}

function pick(source, names) {
  return Object.fromEntries(names.filter((name) => source[name] !== undefined).map((name) => [name, source[name]]));
}

export function claimsForScopes(user, scopes) {
  const names = new Set(['sub']);
  for (const scope of scopes) for (const name of SCOPE_CLAIMS[scope] ?? []) names.add(name);
  return pick(userClaims(user), [...names]);
}

export function accessTokenClaims(user, scopes) {
  const { sub, ...claims } = claimsForScopes(user, [...DEFAULT_ACCESS_TOKEN_SCOPES, ...scopes]);
  return claims; // sub is set by oidc-provider itself
}

// A client_credentials token is issued to the client's service account (Keycloak style).
export function serviceAccountClaims(clientId, roles) {
  return {
    preferred_username: `service-account-${clientId}`,
    realm_access: { roles: [...roles] },
  };
}
