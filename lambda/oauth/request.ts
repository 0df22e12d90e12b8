/** Reading a registration request's JSON body: media type, size and shape checked before anything else. */
import { InvalidClientMetadataError, InvalidRequestError, OAuthError } from '../shared/errors';
import { bodyBytes, bodyText, MAX_BODY_BYTES, mediaType, type HttpEvent } from '../shared/http';

/** 415: the body is not `application/json` (RFC 7591 §3.1 requires it). */
export class UnsupportedMediaTypeError extends OAuthError {
  constructor() {
    super('invalid_request', 415, 'Send the client metadata as a JSON object with Content-Type: application/json.');
  }
}

/** 413: the body is larger than any registration needs. */
export class PayloadTooLargeError extends OAuthError {
  constructor() {
    super('invalid_request', 413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
}

/** The request body as a JSON object, or an error saying what is wrong with it. */
export function jsonObjectBody(event: HttpEvent): Record<string, unknown> {
  const type = mediaType(event);
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type ?? '')) throw new UnsupportedMediaTypeError();
  if (bodyBytes(event) > MAX_BODY_BYTES) throw new PayloadTooLargeError();
  const text = bodyText(event);
  if (!text.trim()) throw new InvalidRequestError('The request body is empty; send the client metadata as a JSON object.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidClientMetadataError('The client metadata must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
