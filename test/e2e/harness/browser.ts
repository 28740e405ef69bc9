// Launches Debian's chromium through playwright-core (never the `playwright` package, which
// downloads its own browsers and so cannot work offline).
import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import { chromiumPath } from './paths';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // --no-sandbox: CI runs as root. The rest keeps chromium from reaching for the network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
