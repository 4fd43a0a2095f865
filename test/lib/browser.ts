// A real browser for end-to-end tests: Debian's Chromium, driven by playwright-core (no
// browser download). Headless, with the flags this machine needs: no sandbox as root, and
// no background networking (its connections to the closed network would be refused).

import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where Debian puts Chromium; WARREN_CHROMIUM overrides it. */
export const CHROMIUM = process.env['WARREN_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set WARREN_CHROMIUM`;
}

/** Starts headless Chromium (playwright gives it a fresh, empty profile of its own). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
