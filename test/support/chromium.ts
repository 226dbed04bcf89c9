/**
 * Headless Chromium for the browser suite: the system's browser (or SWITCHYARD_CHROMIUM), driven
 * by playwright-core. A missing browser fails the suite rather than skipping it.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set SWITCHYARD_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM });
}
