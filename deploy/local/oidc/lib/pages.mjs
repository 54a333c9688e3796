// HTML pages of the local provider: login, logout confirmation, errors.
// Accessible by construction: lang attribute, labelled fields, errors announced (role=alert).

const TEXT = {
  en: {
    title: 'Sign in to Guichet',
    notice: 'Local development identity provider. Demo accounts only.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    cancel: 'Cancel',
    badCredentials: 'Invalid username or password.',
    tooWeak: (level) => `This account cannot reach the requested assurance level (${level}). Use a stronger login method, such as your eID card.`,
    requested: (level) => `This service asks for assurance level ${level} or higher.`,
    logoutTitle: 'Sign out of Guichet',
    logoutQuestion: 'Do you want to sign out?',
    logoutYes: 'Yes, sign me out',
    logoutNo: 'No, stay signed in',
    loggedOut: 'You are signed out.',
    errorTitle: 'Something went wrong',
  },
  nl: {
    title: 'Aanmelden bij Guichet',
    notice: 'Lokale ontwikkel-identiteitsprovider. Alleen demo-accounts.',
    username: 'Gebruikersnaam',
    password: 'Wachtwoord',
    submit: 'Aanmelden',
    cancel: 'Annuleren',
    badCredentials: 'Ongeldige gebruikersnaam of wachtwoord.',
    tooWeak: (level) => `Met dit account haalt u het gevraagde betrouwbaarheidsniveau (${level}) niet. Gebruik een sterkere aanmeldmethode, zoals uw eID.`,
    requested: (level) => `Deze dienst vraagt betrouwbaarheidsniveau ${level} of hoger.`,
    logoutTitle: 'Afmelden bij Guichet',
    logoutQuestion: 'Wilt u zich afmelden?',
    logoutYes: 'Ja, afmelden',
    logoutNo: 'Nee, aangemeld blijven',
    loggedOut: 'U bent afgemeld.',
    errorTitle: 'Er ging iets mis',
  },
  fr: {
    title: 'Se connecter à Guichet',
    notice: "Fournisseur d'identité de développement local. Comptes de démonstration uniquement.",
    username: "Nom d'utilisateur",
    password: 'Mot de passe',
    submit: 'Se connecter',
    cancel: 'Annuler',
    badCredentials: "Nom d'utilisateur ou mot de passe incorrect.",
    tooWeak: (level) => `Ce compte n'atteint pas le niveau de garantie demandé (${level}). Utilisez une méthode plus forte, comme votre carte eID.`,
    requested: (level) => `Ce service demande le niveau de garantie ${level} ou plus.`,
    logoutTitle: 'Se déconnecter de Guichet',
    logoutQuestion: 'Voulez-vous vous déconnecter ?',
    logoutYes: 'Oui, me déconnecter',
    logoutNo: 'Non, rester connecté',
    loggedOut: 'Vous êtes déconnecté.',
    errorTitle: "Une erreur s'est produite",
  },
  de: {
    title: 'Bei Guichet anmelden',
    notice: 'Lokaler Identitätsanbieter für die Entwicklung. Nur Demokonten.',
    username: 'Benutzername',
    password: 'Passwort',
    submit: 'Anmelden',
    cancel: 'Abbrechen',
    badCredentials: 'Benutzername oder Passwort ist falsch.',
    tooWeak: (level) => `Dieses Konto erreicht das verlangte Vertrauensniveau (${level}) nicht. Verwenden Sie eine stärkere Anmeldemethode, etwa Ihre eID.`,
    requested: (level) => `Dieser Dienst verlangt das Vertrauensniveau ${level} oder höher.`,
    logoutTitle: 'Von Guichet abmelden',
    logoutQuestion: 'Möchten Sie sich abmelden?',
    logoutYes: 'Ja, abmelden',
    logoutNo: 'Nein, angemeldet bleiben',
    loggedOut: 'Sie sind abgemeldet.',
    errorTitle: 'Etwas ist schiefgelaufen',
  },
};

export const LANGUAGES = Object.keys(TEXT);

// First supported language of ui_locales, then of Accept-Language; English otherwise.
export function pickLanguage(uiLocales, acceptLanguage) {
  const candidates = [
    ...(uiLocales ?? '').split(' '),
    ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]),
  ];
  for (const tag of candidates) {
    const primary = tag.trim().toLowerCase().split('-')[0];
    if (TEXT[primary]) return primary;
  }
  return 'en';
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1f24;line-height:1.5}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.2)}
h1{font-size:1.5rem;margin-top:0}
.notice{font-size:.875rem;color:#4a5260}
label{display:block;font-weight:600;margin-top:1rem}
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #5c6370;border-radius:.25rem}
input[aria-invalid=true]{border-color:#b00020}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:.25rem;border:1px solid #0b4f9c;cursor:pointer}
button.primary{background:#0b4f9c;color:#fff}
button.secondary{background:#fff;color:#0b4f9c;margin-left:.5rem}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.error{color:#b00020;font-weight:600;border-left:4px solid #b00020;padding-left:.75rem}
`;

function page(lang, title, body) {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function loginPage({ lang, action, abortAction, username = '', error, requiredAcr }) {
  const t = TEXT[lang];
  const invalid = error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const message = error === 'too_weak' ? t.tooWeak(requiredAcr) : t.badCredentials;
  return page(lang, t.title, `<h1>${escapeHtml(t.title)}</h1>
<p class="notice">${escapeHtml(t.notice)}</p>
${requiredAcr ? `<p>${escapeHtml(t.requested(requiredAcr))}</p>` : ''}
${error ? `<p id="login-error" class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form id="login-form" method="post" action="${escapeHtml(action)}" autocomplete="on">
<label for="username">${escapeHtml(t.username)}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(username)}"${invalid}>
<label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<button class="primary" type="submit">${escapeHtml(t.submit)}</button>
</form>
<form id="abort-form" method="post" action="${escapeHtml(abortAction)}">
<button class="secondary" type="submit">${escapeHtml(t.cancel)}</button>
</form>`);
}

// `form` is oidc-provider's hidden logout form (id op.logoutForm, carries the xsrf token).
export function logoutPage({ lang, form }) {
  const t = TEXT[lang];
  return page(lang, t.logoutTitle, `<h1>${escapeHtml(t.logoutTitle)}</h1>
<p>${escapeHtml(t.logoutQuestion)}</p>
${form}
<button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>${escapeHtml(t.logoutYes)}</button>
<button class="secondary" type="submit" form="op.logoutForm">${escapeHtml(t.logoutNo)}</button>`);
}

export function loggedOutPage({ lang }) {
  const t = TEXT[lang];
  return page(lang, t.logoutTitle, `<h1>${escapeHtml(t.loggedOut)}</h1>`);
}

export function errorPage({ lang, error, description }) {
  const t = TEXT[lang];
  return page(lang, t.errorTitle, `<h1>${escapeHtml(t.errorTitle)}</h1>
<p role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</p>`);
}
