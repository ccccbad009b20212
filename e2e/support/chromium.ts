/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser builds cannot be
 * downloaded here). CHROMIUM_PATH overrides the binary.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // CI runs as root, where Chromium's own sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}
