/**
 * The consent page (MCP Security Best Practices, confused deputy: consent per client before the
 * upstream login). It names the client (self-asserted, escaped), shows prominently where the
 * browser will be sent back to (the redirect URI's host), and lists the scopes; for CIMD clients
 * also the document's host, and a warning when the client can only return to this computer.
 * The form posts `request`, `csrf` and `decision` (allow | deny) to `<issuer>/consent`.
 */
import type { HttpResult } from '../../shared/http';
import type { OAuthConfig } from '../config';
import type { PendingAuthorization } from './authorization-request';
import type { BrokerClient } from './clients';
import { html, page } from './html';
import { allLoopback } from './redirect-match';

export interface ConsentView {
  readonly client: BrokerClient;
  readonly pending: PendingAuthorization;
  readonly requestId: string;
  readonly csrf: string;
  readonly cookies: string[];
}

type PageConfig = Pick<OAuthConfig, 'issuerUrl' | 'cognitoDomainUrl' | 'resourceUrl' | 'brokerCallbackUrl'>;

/** Where the browser will land: a web host (with port), or the app that owns a private-use scheme. */
export function redirectHost(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : `${url.protocol} (an app on this device)`;
}

/**
 * A CSP source matching the redirect URI (path exact, query ignored, CSP3 §6.7.2.9), or its scheme
 * for private-use schemes. `;` and `,` are percent-encoded so nothing can end the directive.
 */
export function cspSource(redirectUri: string): string | undefined {
  const url = new URL(redirectUri);
  if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.protocol}//${url.host}${url.pathname.replace(/[;,]/g, encodeURIComponent)}`;
  return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
}

function scopeLabel(config: PageConfig, scope: string): string {
  if (scope === `${config.resourceUrl}/read`) return 'Read your data on this MCP server';
  if (scope === `${config.resourceUrl}/write`) return 'Change your data on this MCP server';
  if (scope === 'openid') return 'Know who you are (your user id)';
  if (scope === 'email') return 'See your email address';
  if (scope === 'profile') return 'See your profile';
  return scope;
}

/**
 * Every place the form's POST may lead, redirects included (Chrome applies `form-action` to the
 * redirects that follow a form submission): the consent endpoint, Cognito's login, the broker's
 * callback (a live Cognito session redirects straight back), and the client's redirect URI.
 */
function formTargets(config: PageConfig, redirectUri: string): string[] {
  const client = cspSource(redirectUri);
  return [`${config.issuerUrl}/consent`, `${config.cognitoDomainUrl}/oauth2/authorize`, config.brokerCallbackUrl, ...(client ? [client] : [])];
}

export function consentPage(config: PageConfig, view: ConsentView): HttpResult {
  const { client, pending } = view;
  const host = redirectHost(pending.redirectUri);
  const cimd =
    client.kind === 'cimd'
      ? html`<p>This client is described by a document published at <strong>${client.documentHost ?? ''}</strong>.</p>${
          allLoopback(client.redirectUris)
            ? html`<p class="warn">This client can only return to a program running on this computer (localhost). Anyone can publish such a document under any name: allow only if you started this sign-in yourself, just now, from an application on this computer.</p>`
            : false
        }`
      : false;
  const registered =
    client.kind === 'dcr' ? html`<p class="muted">The name above was chosen by whoever registered this client; check the address below before you allow.</p>` : false;
  const body = html`<h1>Allow <q>${client.name}</q> to access this MCP server?</h1>
${registered}
<p>After you decide, your browser will be sent back to:</p>
<p class="host">${host}</p>
<p class="muted">Full address: <code>${pending.redirectUri}</code></p>
${cimd}
<p>It asks to:</p>
<ul>${pending.scopes.map((scope) => html`<li>${scopeLabel(config, scope)}</li>`)}</ul>
<form method="post" action="${config.issuerUrl}/consent">
<input type="hidden" name="request" value="${view.requestId}">
<input type="hidden" name="csrf" value="${view.csrf}">
<div class="buttons"><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></div>
</form>`;
  return page(200, 'Allow access?', body, formTargets(config, pending.redirectUri), view.cookies);
}
