/** Secrets as `config check` and the logs show them. */

/** Keeps a recognisable prefix (xoxb-…) and hides the rest. */
export function mask(secret: string): string {
  const keep = secret.match(/^(xox[a-z]-|xapp-)/)?.[0] ?? "";
  return `${keep}****${secret.length > 12 ? secret.slice(-2) : ""}`;
}

export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:****@");
}
