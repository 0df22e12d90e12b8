/** Placeholder type, completed with the document checks. */
import type { ClientMetadata } from '../client-metadata';
export type CimdDocument = Pick<ClientMetadata, 'redirect_uris' | 'scope'> & { client_id: string; client_name: string };
