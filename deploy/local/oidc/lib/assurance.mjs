// Assurance levels as FAS/CSAM names them (acr_values Level100 .. Level500).
// Each demo user carries the level their login method reaches (users.json "acr"):
// eID card Level500, itsme Level400, username/password Level200.

export const ACR_LEVELS = ['Level100', 'Level200', 'Level300', 'Level400', 'Level500'];

const AMR_BY_LEVEL = {
  Level100: ['pwd'],
  Level200: ['pwd'],
  Level300: ['pwd', 'otp'],
  Level400: ['mfa', 'pin'],
  Level500: ['hwk', 'sc', 'pin'],
};

const rank = (level) => ACR_LEVELS.indexOf(level);

// The weakest level among the requested ones is the floor the login must reach
// (FAS treats acr_values as a minimum). Unknown values are ignored, as OIDC allows.
export function requiredLevel(acrValues) {
  const known = (acrValues ?? '').split(' ').filter((value) => rank(value) >= 0);
  if (known.length === 0) return undefined;
  return known.reduce((lowest, value) => (rank(value) < rank(lowest) ? value : lowest));
}

export function reaches(userLevel, required) {
  return required === undefined || rank(userLevel) >= rank(required);
}

export function amrFor(level) {
  return AMR_BY_LEVEL[level];
}
