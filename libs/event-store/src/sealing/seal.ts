import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytes } from '../ids';
import type { DataKey } from './data-keys';

/** What a reader gets for a sealed value that does not open with its key (altered; `verify` says where). */
export const UNREADABLE = '[unreadable]';

/** Where an event's sealed envelope is kept in its data. */
export const SEALED = '_sealed';

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Personal values by their path in the event's data ("complainant.name"). */
export type SealedValues = Readonly<Record<string, string>>;

/**
 * An envelope: `sealed:v1:<key id>:<paths>:<iv>:<ciphertext+tag>`, the
 * values as JSON sealed with AES-256-GCM in one go (one cipher per event: a
 * cipher costs more to set up than to run). The paths stay readable, so an
 * erased envelope still says which fields it held. `context` (the event id)
 * and the paths are authenticated with it, so an envelope copied into another
 * event does not open.
 */
export const seal = (key: DataKey, values: SealedValues, context: string): string => {
  const paths = Object.keys(values).join(',');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv).setAAD(Buffer.from(`${context}/${paths}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${key.id}:${paths}:${iv.toString('base64url')}:${body.toString('base64url')}`;
};

export interface Envelope {
  readonly keyId: string;
  readonly paths: readonly string[];
  /** The values; undefined when they do not authenticate with this key and context (altered, or another's key). */
  decrypt(key: Buffer, context: string): SealedValues | undefined;
}

/** An envelope's parts; undefined for anything else. */
export const envelope = (text: unknown): Envelope | undefined => {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) return undefined;
  const [keyId, paths, iv, body] = text.slice(PREFIX.length).split(':');
  if (keyId === undefined || paths === undefined || iv === undefined || body === undefined) return undefined;
  return {
    keyId,
    paths: paths.split(','),
    decrypt: (key, context) => {
      const nonce = Buffer.from(iv, 'base64url');
      const sealed = Buffer.from(body, 'base64url');
      try {
        if (nonce.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new Error('malformed');
        const decipher = createDecipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(`${context}/${paths}`));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const json = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
        return JSON.parse(json) as SealedValues;
      } catch {
        return undefined;
      }
    },
  };
};
