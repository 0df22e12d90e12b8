/**
 * Reading environment variables for the per-part `config.ts` modules, which are the only
 * readers of `process.env`. A missing required variable fails the cold start loudly.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`Missing required environment variable ${name}`);
  return value;
}

export function optional(env: Env, name: string, fallback: string): string;
export function optional(env: Env, name: string): string | undefined;
export function optional(env: Env, name: string, fallback?: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** A list given as comma- or space-separated words. */
export function list(env: Env, name: string, fallback: readonly string[] = []): string[] {
  const value = env[name]?.trim();
  if (!value) return [...fallback];
  return value.split(/[\s,]+/).filter(Boolean);
}

export function integer(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = env[name]?.trim();
  if (!value) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

/** An absolute http(s) URL without a trailing slash, so callers can append paths. */
export function url(env: Env, name: string, fallback?: string): string {
  const value = fallback === undefined ? required(env, name) : optional(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}
