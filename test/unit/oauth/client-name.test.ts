/** Cognito-safe app client names: `[\w\s+=,.@-]+`, ≤ 128, with a `dcr ` prefix. */
import { cognitoClientName } from '../../../lambda/oauth/client-name';

const COGNITO_NAME = /^[\w\s+=,.@-]+$/;

test.each([
  ['Claude Code', 'dcr Claude Code'],
  ['Claude Code (claude-ai)', 'dcr Claude Code claude-ai'],
  ['Visual Studio Code', 'dcr Visual Studio Code'],
  ['Café ✨ Ünïcode', 'dcr Cafe Unicode'],
  ['<script>alert(1)</script>', 'dcr script alert 1 script'],
  ['a+b=c, d.e@f-g_h', 'dcr a+b=c, d.e@f-g_h'],
  ['日本語', 'dcr client'],
  ['', 'dcr client'],
  [undefined, 'dcr client'],
])('%p → %p', (input, expected) => {
  const name = cognitoClientName(input);
  expect(name).toBe(expected);
  expect(name).toMatch(COGNITO_NAME);
});

test('long names are cut to 128 characters', () => {
  const name = cognitoClientName('x'.repeat(300));
  expect(name).toHaveLength(128);
  expect(name).toMatch(COGNITO_NAME);
});
