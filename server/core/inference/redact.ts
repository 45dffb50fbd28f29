// Keeping secrets out of everything shown or stored: the API key (as sent, and in its base64
// forms, since servers echo Basic credentials and encoded headers), bearer tokens, OpenAI-style
// keys, and credentials written into a base URL (`user:pass@`, `?token=`). Redaction runs on the
// whole text, before anything cuts it, so that no part of a secret survives a truncation.

const REDACTED = '[redacted]';
/** Shorter fragments would be found by chance in ordinary text. */
const MIN_SECRET = 3;
const MIN_BASE64_FRAGMENT = 8;

/**
 * The base64 (and base64url) spellings of `secret` wherever it sits in a longer encoded text:
 * for each of the three byte alignments, the characters that depend on the secret's bytes only.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>();
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Characters carrying prefix bits: 0 for no prefix, 2 for one byte, 3 for two.
    const from = shift === 0 ? 0 : shift === 1 ? 2 : 3;
    // Characters wholly inside the secret's bytes (the last ones also carry what follows).
    const to = Math.floor(((shift + bytes.length) * 8) / 6);
    const core = encoded.slice(from, to);
    if (core.length < MIN_BASE64_FRAGMENT) continue;
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms];
}

/** Removes `key` and its base64 forms (only those: for model answers, which may hold key-like text of their own). */
export function redactKey(text: string, key: string | null | undefined): string {
  if (!key || key.length < MIN_SECRET) return text;
  let out = text.split(key).join(REDACTED);
  for (const form of base64Forms(key)) out = out.split(form).join(REDACTED);
  return out;
}

const CREDENTIAL_PARAMS =
  /([?&#;](?:api[-_]?key|key|token|access[-_]?token|auth|authorization|password|passwd|pwd|secret|client[-_]?secret|sig|signature|code)=)[^&#\s"'<>]*/gi;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@"'<>]+@/gi;

/** Credentials inside URLs of a text: the user-info part and credential-like query parameters. */
export function redactUrlCredentials(text: string): string {
  return text.replace(USERINFO, `$1${REDACTED}@`).replace(CREDENTIAL_PARAMS, `$1${REDACTED}`);
}

/**
 * Everything secret in a message meant for a user or a file: the key (and its base64 forms),
 * bearer tokens, OpenAI-style keys and URL credentials.
 */
export function redactSecret(text: string, secret: string | null | undefined): string {
  let out = redactKey(text, secret);
  out = out.replace(/(Bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`);
  out = out.replace(/\bsk-[A-Za-z0-9_-]{6,}/g, `sk-${REDACTED}`);
  return redactUrlCredentials(out);
}

const CREDENTIAL_PARAM_NAME =
  /^(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|password|passwd|pwd|secret|client[-_]?secret|sig|signature|code)$/i;

/**
 * One URL as it may be stored: no user name or password, no credential-like query parameter.
 * Unchanged when there is nothing to remove (or when it is not a URL: then only redacted).
 */
export function stripUrlCredentials(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactUrlCredentials(url);
  }
  const names = [...u.searchParams.keys()].filter((k) => CREDENTIAL_PARAM_NAME.test(k));
  if (!u.username && !u.password && names.length === 0) return url;
  u.username = '';
  u.password = '';
  for (const k of names) u.searchParams.delete(k);
  return u.toString();
}
