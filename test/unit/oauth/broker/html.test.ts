/** The page template: escaping cannot be forgotten, and the CSP is strict. */
import { contentSecurityPolicy, errorPage, escapeHtml, html, Html, STYLE_HASH } from '../../../../lambda/oauth/broker/html';

test('every interpolation is escaped; only Html built by the template passes through', () => {
  const name = '<script>alert("x")</script>\'&';
  const out = html`<p title="${name}">${name}</p>${html`<b>${name}</b>`}`;
  expect(out.markup).toBe(
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;</p><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;</b>',
  );
  expect(html`${['<a>', html`<i>${'<b>'}</i>`] as unknown as Html[]}`.markup).not.toContain('<a>');
  expect(escapeHtml('"\'<>&')).toBe('&quot;&#39;&lt;&gt;&amp;');
  expect(html`${undefined}${false}${null}${3}`.markup).toBe('3');
});

test('CSP: nothing loads, no framing, no base, forms only to the named targets; the style by hash', () => {
  expect(contentSecurityPolicy(['https://as.example/consent'])).toBe(
    `default-src 'none'; style-src ${STYLE_HASH}; form-action https://as.example/consent; frame-ancestors 'none'; base-uri 'none'`,
  );
  expect(contentSecurityPolicy([])).toContain("form-action 'none'");
  expect(STYLE_HASH).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
});

test('error pages: HTML, not cached, not frameable, and no form target', () => {
  const page = errorPage(400, 'invalid_request', 'Bad <thing>');
  expect(page.statusCode).toBe(400);
  expect(page.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
  expect(String(page.headers!['content-security-policy'])).toContain("form-action 'none'");
  expect(page.body).toContain('Bad &lt;thing&gt;');
  expect(page.body).not.toMatch(/<script/i);
});
