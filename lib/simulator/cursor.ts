/**
 * `/v1/alerts` cursors. A cursor names the last alert a page held (keyset pagination, as
 * cursor APIs do it), not an offset: records deleted or inserted between pages move no later
 * record onto or off a page, and a retried request gets the same page.
 */

/** After alert `seq` (0-based) of incident index `index`. */
export interface AlertPosition {
  index: number;
  seq: number;
}

const FORMAT = /^(\d{1,9})\.(\d)$/;

/**
 * Opaque to clients: base64url, so nobody builds one by hand.
 *
 * @example encodeCursor({ index: 41, seq: 1 }) // 'NDEuMQ'
 */
export function encodeCursor(position: AlertPosition): string {
  return Buffer.from(`${position.index}.${position.seq}`).toString('base64url');
}

/**
 * The position `cursor` names, or `null` when this server did not issue it. Node decodes
 * base64url leniently, so only a text that re-encodes to itself is accepted.
 *
 * @example decodeCursor('NDEuMQ') // { index: 41, seq: 1 }
 */
export function decodeCursor(cursor: string): AlertPosition | null {
  const match = FORMAT.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) return null;
  const position = { index: Number(match[1]), seq: Number(match[2]) };
  return encodeCursor(position) === cursor ? position : null;
}
