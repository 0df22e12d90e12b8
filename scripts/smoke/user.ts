/** The throwaway user: created with the admin API (no e-mail sent, permanent password), deleted after. */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';

export interface TestUser {
  readonly username: string;
  readonly password: string;
}

/** A random password meeting the pool's policy (length, upper, lower, digit, symbol). */
function strongPassword(): string {
  return `${randomBytes(18).toString('base64url')}aA1!`;
}

export async function createUser(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<TestUser> {
  const username = `smoke-${randomBytes(6).toString('hex')}@example.com`;
  const password = strongPassword();
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: username },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
  return { username, password };
}

export async function deleteUser(cognito: CognitoIdentityProviderClient, userPoolId: string, username: string): Promise<void> {
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
}
