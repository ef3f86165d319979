// The fake's answers as UTF-8 JSON bytes. Most of an answer's bytes are file texts, and the same
// few hundred texts go out again and again (an org drawn from one corpus): each long string is
// escaped and encoded once and copied into every answer after that. Without it, escaping and
// encoding the texts again for each answer (and collecting the copies) was about a fifth of the fake's
// CPU in the 10,000-repository benchmark, CPU the benchmark's pinwarden then did not get.
import { randomUUID } from 'node:crypto';
import { memoByString } from '../../common/string-memo.js';

/** Strings at least this long are encoded once and kept; shorter ones cost little to encode again. */
const LONG = 256;

/** Up to 4,096 strings of any length (a blob's text is at most 512,000 characters). */
const encodedString = memoByString((text) => Buffer.from(JSON.stringify(text), 'utf8'), 4_096, Infinity);

/** The bytes `Buffer.from(JSON.stringify(value))` gives, sharing the work for long strings. */
export function jsonBytes(value: unknown): Buffer {
  const long: string[] = [];
  // A string of the answer can only collide with the marker by holding a NUL and this nonce.
  const nonce = randomUUID();
  const skeleton = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'string' || item.length < LONG) return item;
    long.push(item);
    return `\u0000${nonce}:${long.length - 1}`;
  });
  if (skeleton === undefined) throw new TypeError('jsonBytes: the value has no JSON form');
  if (long.length === 0) return Buffer.from(skeleton, 'utf8');
  const marker = `"\\u0000${nonce}:`;
  const pieces = skeleton.split(marker);
  const chunks: Buffer[] = [Buffer.from(pieces[0]!, 'utf8')];
  for (const piece of pieces.slice(1)) {
    const end = piece.indexOf('"');
    chunks.push(encodedString(long[Number(piece.slice(0, end))]!), Buffer.from(piece.slice(end + 1), 'utf8'));
  }
  return Buffer.concat(chunks);
}
