import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless. As root it needs --no-sandbox; the other flags keep it from
 * calling out, which this machine's closed network would refuse, many times a start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
