// Login and consent interactions (Keycloak's /login-actions equivalent).
// Login: a real HTML form checked against users.json. Consent: granted automatically for
// first-party clients, as Keycloak does when "Consent required" is off.
import { amrFor, reaches, requiredLevel } from './assurance.mjs';
import { BodyTooLarge, readForm, sendHtml } from './http.mjs';
import { errorPage, loginPage, pickLanguage } from './pages.mjs';

export const interactionPath = (realmPath, uid) => `${realmPath}/login-actions/${uid}`;

async function grantConsent(provider, details) {
  const { prompt: { details: missing }, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

export class InteractionHandler {
  constructor({ provider, users, clients, realmPath }) {
    this.provider = provider;
    this.users = users;
    this.clients = clients;
    this.realmPath = realmPath;
  }

  // Returns true when the request was an interaction request (and has been answered).
  async handle(req, res, pathname) {
    const prefix = `${this.realmPath}/login-actions/`;
    if (!pathname.startsWith(prefix)) return false;
    const [uid, action, ...rest] = pathname.slice(prefix.length).split('/');
    const lang = pickLanguage(undefined, req.headers['accept-language']);
    try {
      const details = await this.provider.interactionDetails(req, res);
      if (details.uid !== uid || rest.length > 0) {
        sendHtml(res, 400, errorPage({ lang, error: 'invalid_request', description: 'interaction mismatch' }));
      } else if (req.method === 'GET' && action === undefined) {
        await this.#show(req, res, details);
      } else if (req.method === 'POST' && action === undefined) {
        await this.#submitLogin(req, res, details);
      } else if (req.method === 'POST' && action === 'abort') {
        await this.provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'End-User aborted interaction',
        }, { mergeWithLastSubmission: false });
      } else {
        sendHtml(res, 405, errorPage({ lang, error: 'method_not_allowed' }));
      }
    } catch (err) {
      const status = err instanceof BodyTooLarge ? 413 : (err.statusCode ?? 500);
      if (status >= 500) console.error('interaction failed', err);
      sendHtml(res, status, errorPage({ lang, error: err.error ?? 'server_error', description: err.error_description }));
    }
    return true;
  }

  #language(req, details) {
    return pickLanguage(details.params.ui_locales, req.headers['accept-language']);
  }

  #renderLogin(req, res, details, status, { username, error } = {}) {
    const action = interactionPath(this.realmPath, details.uid);
    sendHtml(res, status, loginPage({
      lang: this.#language(req, details),
      action,
      abortAction: `${action}/abort`,
      username: username ?? details.params.login_hint ?? '',
      error,
      requiredAcr: requiredLevel(details.params.acr_values),
    }));
  }

  async #show(req, res, details) {
    if (details.prompt.name === 'login') {
      this.#renderLogin(req, res, details, 200);
      return;
    }
    if (details.prompt.name === 'consent' && this.clients.isFirstParty(details.params.client_id)) {
      const grantId = await grantConsent(this.provider, details);
      await this.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    // No third-party clients are registered locally: refuse rather than show a consent screen.
    await this.provider.interactionFinished(req, res, {
      error: 'consent_required',
      error_description: 'third-party consent is not supported by the local provider',
    }, { mergeWithLastSubmission: false });
  }

  async #submitLogin(req, res, details) {
    if (details.prompt.name !== 'login') {
      sendHtml(res, 400, errorPage({ lang: this.#language(req, details), error: 'invalid_request' }));
      return;
    }
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const user = this.users.authenticate(username, form.get('password'));
    if (!user) {
      this.#renderLogin(req, res, details, 401, { username, error: 'bad_credentials' });
      return;
    }
    if (!reaches(user.acr, requiredLevel(details.params.acr_values))) {
      this.#renderLogin(req, res, details, 403, { username, error: 'too_weak' });
      return;
    }
    await this.provider.interactionFinished(req, res, {
      login: { accountId: user.sub, acr: user.acr, amr: amrFor(user.acr) },
    }, { mergeWithLastSubmission: false });
  }
}
