import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one-click unsubscribe link of an address: `<publicUrl>/unsubscribe/<hash>.<mac>`. It carries
 * the address's hash, never the address, and a MAC made with SOCKTECH_SECRET, so nobody can make
 * or alter one without the secret.
 */
export function unsubscribeUrl(publicUrl: string, secret: string, addressHash: string): string {
  return `${publicUrl}/unsubscribe/${addressHash}.${mac(secret, addressHash)}`;
}

export type TokenReading =
  { ok: true; addressHash: string } | { ok: false; status: 400 | 403; message: string };

const SHAPE = /^([0-9a-f]{32})\.([\w-]{43})$/;

export function readUnsubscribeToken(secret: string, token: string): TokenReading {
  const parts = SHAPE.exec(token);
  if (!parts) {
    return {
      ok: false,
      status: 400,
      message: 'this is not an unsubscribe link: copy the whole link from the email',
    };
  }
  const [, addressHash, given] = parts;
  const expected = Buffer.from(mac(secret, addressHash));
  if (!timingSafeEqual(Buffer.from(given), expected)) {
    return {
      ok: false,
      status: 403,
      message: 'this unsubscribe link was altered, or was not made here',
    };
  }
  return { ok: true, addressHash };
}

// The purpose in the MAC keeps a signature made for anything else from passing for this one.
function mac(secret: string, addressHash: string): string {
  return createHmac('sha256', secret).update(`unsubscribe:${addressHash}`).digest('base64url');
}
