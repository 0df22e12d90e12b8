/**
 * The broker's pages (consent, errors) from one template module, as node-oidc-provider renders
 * its own: every interpolated value goes through `escapeHtml` by way of the `html` tagged template,
 * so forgetting to escape is impossible; only values already built by `html` pass through unescaped.
 * No script at all; one stylesheet allowed by its hash in a strict Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import type { HttpResult } from '../../shared/http';

/** Markup built by `html` (trusted: every value in it was escaped). */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values (all attributes here are quoted). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

type Value = Html | string | number | readonly Html[] | undefined | null | false;

function render(value: Value): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map((item) => render(item as Value)).join('');
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted, every `${value}` is escaped unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}',
  'h1{font-size:1.3rem}.host{font-size:1.25rem;font-weight:700;word-break:break-all}',
  '.warn{background:#fff4ce;border:1px solid #e0b400;padding:.6rem;border-radius:.3rem}',
  'ul{padding-left:1.2rem}code{word-break:break-all}.buttons{display:flex;gap:1rem;margin-top:1.5rem}',
  'button{font-size:1rem;padding:.5rem 1.4rem;border-radius:.3rem;border:1px solid #555;cursor:pointer}',
  'button[value=allow]{background:#0b5cd5;color:#fff;border-color:#0b5cd5}.muted{color:#555;font-size:.9rem}',
].join('');

/** `style-src` allows exactly this stylesheet (CSP Level 2 hash source). */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/**
 * The Content-Security-Policy of every broker page: nothing loads, nothing frames it, and forms
 * may post only to `formTargets` (Chrome also applies `form-action` to the redirect after a POST).
 */
export function contentSecurityPolicy(formTargets: readonly string[]): string {
  const formAction = formTargets.length ? formTargets.join(' ') : "'none'";
  return `default-src 'none'; style-src ${STYLE_HASH}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

/** A complete HTML response with the security headers every broker page carries. */
export function page(statusCode: number, title: string, body: Html, formTargets: readonly string[] = [], cookies?: string[]): HttpResult {
  const document = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${new Html(STYLE)}</style></head>
<body>${body}</body></html>
`;
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'content-security-policy': contentSecurityPolicy(formTargets),
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    ...(cookies?.length ? { cookies } : {}),
    body: document.markup,
  };
}

/**
 * An error page: shown instead of redirecting when the client or its redirect URI cannot be
 * trusted (RFC 6749 §4.1.2.1), and for broken consent or callback requests.
 */
export function errorPage(statusCode: number, error: string, description: string): HttpResult {
  return page(
    statusCode,
    'Sign-in failed',
    html`<h1>This sign-in cannot continue</h1><p>${description}</p><p class="muted">Error: <code>${error}</code>. Start the sign-in again from your application.</p>`,
  );
}
