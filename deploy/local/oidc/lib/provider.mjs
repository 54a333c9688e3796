// oidc-provider configured like the production Keycloak realm "guichet":
// Keycloak endpoint paths, JWT access tokens for the API audience, realm roles,
// organizations (NIS codes), FAS-style acr and eID claims.
import Provider, { errors } from 'oidc-provider';

import { ACR_LEVELS } from './assurance.mjs';
import {
  API_AUDIENCE, SCOPES, SCOPE_CLAIMS, accessTokenClaims, serviceAccountClaims, userClaims,
} from './claims.mjs';
import { isLoopbackOrigin } from './http.mjs';
import { interactionPath } from './interactions.mjs';
import { randomSecret } from './keys.mjs';
import { errorPage, loggedOutPage, logoutPage, pickLanguage } from './pages.mjs';

const OIDC = '/protocol/openid-connect';

export const ROUTES = {
  authorization: `${OIDC}/auth`,
  token: `${OIDC}/token`,
  jwks: `${OIDC}/certs`,
  userinfo: `${OIDC}/userinfo`,
  end_session: `${OIDC}/logout`,
  revocation: `${OIDC}/revoke`,
  pushed_authorization_request: `${OIDC}/ext/par/request`,
};

// Lifetimes close to Keycloak's defaults (access token 5 min, SSO idle 30 min, SSO max 10 h).
const ACCESS_TOKEN_TTL = 300;
const SESSION_TTL = 10 * 60 * 60;

const language = (ctx) => pickLanguage(ctx.oidc?.params?.ui_locales, ctx.get('accept-language'));

function html(ctx, body) {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

function resourceServer(clients) {
  return {
    enabled: true,
    // Clients do not need to send `resource`: every token is for the Guichet API,
    // like Keycloak with its audience mapper.
    defaultResource: async () => API_AUDIENCE,
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx, indicator, client) => {
      if (indicator !== API_AUDIENCE) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
      return {
        scope: SCOPES.join(' '),
        audience: API_AUDIENCE,
        accessTokenFormat: 'jwt',
        accessTokenTTL: clients.accessTokenTtl(client.clientId, ACCESS_TOKEN_TTL),
        jwt: { sign: { alg: 'RS256' } },
      };
    },
  };
}

function tokenClaims(users, clients) {
  return async (ctx, token) => {
    if (token.kind === 'ClientCredentials') {
      return { azp: token.clientId, ...serviceAccountClaims(token.clientId, clients.serviceAccountRoles(token.clientId)) };
    }
    const user = users.bySub(token.accountId);
    if (!user) return undefined;
    // The acr the login reached travels with the code, then with the refresh token.
    const source = ctx?.oidc.entities.AuthorizationCode ?? ctx?.oidc.entities.RefreshToken;
    return {
      azp: token.clientId,
      acr: source?.acr ?? user.acr,
      ...accessTokenClaims(user, (token.scope ?? '').split(' ')),
    };
  };
}

export function buildProvider({ issuer, realmPath, users, clients, signingKey }) {
  const configuration = {
    clients: clients.providerMetadata(),
    jwks: { keys: [signingKey.privateJwk] },
    cookies: {
      keys: [randomSecret()],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    routes: ROUTES,
    scopes: SCOPES,
    claims: { acr: null, amr: null, auth_time: null, sid: null, ...SCOPE_CLAIMS },
    responseTypes: ['code'],
    acrValues: ACR_LEVELS,
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => {
      const user = users.bySub(sub);
      return user && { accountId: sub, claims: async () => userClaims(user) };
    },
    extraTokenClaims: tokenClaims(users, clients),
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => true },
    clientBasedCORS: (_ctx, origin, client) => client.clientAuthMethod === 'none' && isLoopbackOrigin(origin),
    interactions: { url: async (_ctx, interaction) => interactionPath(realmPath, interaction.uid) },
    renderError: async (ctx, out) => {
      html(ctx, errorPage({ lang: language(ctx), error: out.error, description: out.error_description }));
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ACCESS_TOKEN_TTL,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_TTL,
      RefreshToken: 30 * 60,
      Interaction: 30 * 60,
      Session: SESSION_TTL,
      Grant: SESSION_TTL,
    },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      resourceIndicators: resourceServer(clients),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => html(ctx, logoutPage({ lang: language(ctx), form })),
        postLogoutSuccessSource: async (ctx) => html(ctx, loggedOutPage({ lang: language(ctx) })),
      },
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = new URL(issuer).protocol === 'https:';
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
  return provider;
}
