/**
 * Headless Chromium for the browser tests: Debian's browser (set-up installs it) driven by
 * playwright-core, which brings none of its own here. Each page records its console errors and
 * uncaught exceptions, so that a test can assert a page ran clean; screenshots go under
 * test/artifacts/ (git-ignored) for a person to look at.
 */
import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { PROJECT_ROOT, readToolchain } from "../../model/toolchain";

export const ARTIFACTS = path.join(PROJECT_ROOT, "test", "artifacts");

/** Set-up's Chromium (or SWITCHYARD_CHROMIUM); a missing browser fails the suite rather than skipping it. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.SWITCHYARD_CHROMIUM ?? readToolchain().chromium?.path ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: run node bootstrap/setup.mjs --for-tests (it installs Debian's chromium), or set SWITCHYARD_CHROMIUM`);
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ["--no-sandbox"] });
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions, in order. */
  readonly errors: string[];
}

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`exception: ${error.message}`));
  return { page, errors };
}

/** Writes a full-page screenshot to test/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
