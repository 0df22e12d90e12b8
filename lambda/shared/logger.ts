/**
 * One-line JSON logs for CloudWatch. Never pass tokens, secrets, passwords or
 * Authorization headers here: `redact` drops the keys that usually carry them,
 * as a second line of defence, not the first.
 */
type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_KEYS = /token|secret|password|authorization|cookie|code_verifier|^code$/i;

let threshold: Level = 'info';

/** Set once at cold start from config (`LOG_LEVEL`); `silent` also stops metric lines (tests). */
export function setLogLevel(level: string | undefined): void {
  if (level && level in ORDER) threshold = level as Level;
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_KEYS.test(key) ? '[redacted]' : value;
  return out;
}

function emit(level: Exclude<Level, 'silent'>, message: string, fields: Record<string, unknown>, metrics: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...redact(fields), ...metrics });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

function write(level: Exclude<Level, 'silent'>, message: string, fields: Record<string, unknown>): void {
  if (ORDER[level] >= ORDER[threshold]) emit(level, message, fields);
}

export const log = {
  debug: (message: string, fields: Record<string, unknown> = {}) => write('debug', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('info', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('warn', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('error', message, fields),
  /**
   * A line (info unless said otherwise) that carries CloudWatch embedded-metric fields (`metrics.ts`): written at every
   * level but `silent`, since CloudWatch reads the metrics from it. `fields` are redacted as usual;
   * `emf` (metric names, numbers and code-chosen dimension values) is not, so that a metric such as
   * `TokenRejections` keeps its value.
   */
  metric: (message: string, fields: Record<string, unknown>, emf: Record<string, unknown>, level: 'info' | 'error' = 'info') => {
    if (threshold !== 'silent') emit(level, message, fields, emf);
  },
};

/** An error as loggable fields: name and message, never the object (SDK errors carry request details). */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message };
  return { errorName: typeof err };
}
