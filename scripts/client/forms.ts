/**
 * Reading the pages of a headless login as a browser would: the forms (action, method, controls
 * in document order, entities decoded), the login form (the first form with a password field),
 * the broker's consent form (a submit button `name="decision" value="allow"`), and a page's text.
 * HTML form submission: WHATWG HTML §4.10.21 (only the clicked submit button is submitted).
 */

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag (names lower-cased, values decoded). */
function attributesOf(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of tag.matchAll(pattern)) {
    const name = m[1]!.toLowerCase();
    if (!found.has(name)) found.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return found;
}

interface Control {
  readonly name: string;
  readonly value: string;
  readonly type: string;
}

interface HtmlForm {
  readonly action: URL;
  readonly method: 'GET' | 'POST';
  /** Named, enabled input and button controls, in document order. */
  readonly controls: readonly Control[];
}

function formsOf(html: string, page: URL): HtmlForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)(?:<\/form\s*>|$)/gi)].map((form) => {
    const controls = [...form[2]!.matchAll(/<(input|button)\b([^>]*)>/gi)].flatMap((m) => {
      const attributes = attributesOf(m[2]!);
      const type = (attributes.get('type') ?? (m[1]!.toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      const name = attributes.get('name') ?? '';
      return name && !attributes.has('disabled') ? [{ name, value: attributes.get('value') ?? '', type }] : [];
    });
    const attributes = attributesOf(form[1]!);
    const action = new URL(attributes.get('action') || page.href, page);
    return { action, method: attributes.get('method')?.toUpperCase() === 'POST' ? 'POST' : 'GET', controls };
  });
}

/** A form ready to submit: where, how, and what a browser would send, in document order. */
export interface FilledForm {
  readonly action: URL;
  readonly method: 'GET' | 'POST';
  readonly fields: Array<[string, string]>;
}

/** The login form (the first form of the page with a password field), filled with `credentials`. */
export function loginFormOf(html: string, page: URL, credentials: Credentials): FilledForm | undefined {
  for (const { action, method, controls } of formsOf(html, page)) {
    const password = controls.find((c) => c.type === 'password');
    if (!password) continue;
    const username = controls.find((c) => c.name === 'username') ?? controls.find((c) => c !== password && ['text', 'email'].includes(c.type));
    const submit = controls.find((c) => c.type === 'submit');
    const fields: Array<[string, string]> = [];
    for (const control of controls) {
      if (control === password) fields.push([control.name, credentials.password]);
      else if (control === username) fields.push([control.name, credentials.username]);
      else if (control.type === 'hidden' || control === submit) fields.push([control.name, control.value]);
    }
    return { action, method, fields };
  }
  return undefined;
}

/**
 * The authorization broker's consent form (docs/contracts.md: hidden fields and the submit buttons
 * `decision=allow` / `decision=deny`), filled as a browser does when Allow is clicked: every hidden
 * field, then the Allow button's name and value, and no other button.
 */
export function consentFormOf(html: string, page: URL): FilledForm | undefined {
  for (const { action, method, controls } of formsOf(html, page)) {
    const allow = controls.find((c) => c.type === 'submit' && c.name === 'decision' && c.value === 'allow');
    if (!allow) continue;
    const fields = controls.filter((c) => c.type === 'hidden' || c === allow).map((c): [string, string] => [c.name, c.value]);
    return { action, method, fields };
  }
  return undefined;
}

/** What a page says, as plain text on one line: no scripts, styles, buttons or tags; entities decoded. */
export function pageText(html: string, max = 500): string {
  const text = decodeEntities(
    html
      .replace(/<(script|style|title|button)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<\/?(a|abbr|b|bdi|cite|code|em|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|u|var)\b[^>]*>/gi, '')
      .replace(/<[^>]+>/g, ' '),
  ).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
