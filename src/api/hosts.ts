import { isIP, isIPv6 } from 'node:net';
import type { Middleware } from 'koa';
import { HttpError } from './errors';

// `name`, `1.2.3.4` or `[::1]`, each with an optional port.
const HOST = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::\d*)?$/;

/**
 * Answers only requests whose Host is a name it serves: localhost, `names`, or an IP address.
 * A DNS-rebinding page reaches the API under the attacker's own name, so its requests are
 * refused; an IP address cannot be rebound, which keeps probes that use the pod's IP working.
 */
export function allowedHosts(names: string[]): Middleware {
  const served = new Set(['localhost', ...names.map((n) => n.toLowerCase())]);
  const isServed = (host: string) => {
    const [, ipv6, name] = HOST.exec(host) ?? [];
    if (ipv6 !== undefined) return isIPv6(ipv6);
    return name !== undefined && (served.has(name.toLowerCase()) || isIP(name) !== 0);
  };
  return async (ctx, next) => {
    const host = ctx.get('Host');
    if (isServed(host)) return next();
    throw new HttpError(
      421,
      `this API does not answer to Host "${host}": ` +
        'to serve that name, add it to SOCKTECH_ALLOWED_HOSTS (comma-separated)',
    );
  };
}
