/** Reading request parameters as RFC 6749 §3.1 / §3.2 require: none may be repeated. */
import { OAuthError } from '../../shared/errors';
import { bodyBytes, bodyText, mediaType, type HttpEvent } from '../../shared/http';

/** Largest form body the broker reads (a token request, a consent form). */
export const MAX_FORM_BYTES = 16 * 1024;

/** The names that appear more than once. */
export function repeated(params: URLSearchParams): string[] {
  return [...new Set(params.keys())].filter((name) => params.getAll(name).length > 1);
}

/** The value of a parameter, with an empty value treated as absent (RFC 6749 §3.1). */
export function param(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

/**
 * An `application/x-www-form-urlencoded` body (RFC 6749 §4.1.3, RFC 7009 §2.1), refused with
 * `invalid_request` when the media type is wrong, the body too large, or a parameter repeated.
 */
export function formBody(event: HttpEvent): URLSearchParams {
  if (mediaType(event) !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 400, 'Send the parameters as application/x-www-form-urlencoded.');
  }
  if (bodyBytes(event) > MAX_FORM_BYTES) throw new OAuthError('invalid_request', 413, `The request body is larger than ${MAX_FORM_BYTES} bytes.`);
  const form = new URLSearchParams(bodyText(event));
  const twice = repeated(form);
  if (twice.length) throw new OAuthError('invalid_request', 400, `Parameters must not be repeated: ${twice.join(', ')}.`);
  return form;
}
