/**
 * The dashboard in a real browser (Debian's Chromium, headless) during a real rollout on the
 * local target: the page follows the rollout live, its pause button pauses it (through the
 * confirmation, with the run's token), its abort button rolls it back; without JavaScript the
 * summary is there; another site's page and requests without the token change nothing.
 * Screenshots of each view are written under test/artifacts/.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import type { StackConfigInput } from "../../model/config/stack";
import { ROLLOUT_KEY } from "../../automation/rollout/record";
import { openDocumentStore } from "../../automation/store/open-store";
import { PROJECT_NAME } from "../../automation/workspace";
import { createTestProject, type BackgroundCli, type TestProject } from "../support/project";
import { launchBrowser, openPage, screenshot, type WatchedPage } from "../support/browser";

/** Starts `switchyard dashboard` and resolves with the address it prints (one JSON document). */
async function startDashboard(project: TestProject): Promise<{ cli: BackgroundCli; address: string; origin: string }> {
  const cli = project.cliInBackground("dashboard", "--port", "0", "--json", "--status-every", "2");
  let out = "";
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dashboard printed no address in 60 s: ${out}`)), 60_000);
    cli.child.stdout!.on("data", (chunk) => {
      out += chunk;
      try {
        const doc = JSON.parse(out) as { url: string };
        clearTimeout(timer);
        resolve(doc.url);
      } catch {
        // Not complete yet.
      }
    });
    cli.done.then((result) => reject(new Error(`the dashboard exited ${result.code}: ${result.stderr}`)));
  });
  return { cli, address, origin: new URL(address).origin };
}

async function revisionOf(project: TestProject): Promise<number | undefined> {
  return (await openDocumentStore(project.env.PULUMI_BACKEND_URL!, PROJECT_NAME, project.stackName, project.env).get(ROLLOUT_KEY))?.revision;
}

describe("browser: the dashboard during a real rollout", function () {
  this.timeout(600_000);
  let project: TestProject;
  let browser: Browser;
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;
  let driver: BackgroundCli;
  let evil: Server | undefined;

  const release: Partial<StackConfigInput> = {
    active: "green",
    traffic: undefined,
    slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } },
    rollout: { strategy: "canary", steps: [20, 50, 100], bake: "6s" },
    analysis: { metrics: [{ name: "probe", provider: { type: "http", path: "/" }, interval: "1s", count: 2 }] },
  };

  before(async () => {
    project = await createTestProject("browser-dashboard");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    const first = await project.cli("deploy");
    assert.equal(first.code, 0, first.stderr);
    browser = await launchBrowser();
    dashboard = await startDashboard(project);
  });
  after(async () => {
    await browser?.close();
    dashboard?.cli.child.kill("SIGTERM");
    await dashboard?.cli.done;
    evil?.close();
    driver?.child.kill("SIGKILL");
    await project?.cleanup();
  });

  let watched: WatchedPage;

  it("follows a rollout live: the step changes on the page without a reload, charts drawn, no console error", async () => {
    watched = await openPage(browser);
    const { page } = watched;
    let loads = 0;
    page.on("load", () => loads++);
    await page.goto(dashboard.address);
    assert.equal(new URL(page.url()).search, "", "the token left the address bar");
    await page.locator("#live", { hasText: /^live$/ }).waitFor();
    const loadsBefore = loads;

    project.writeConfig(release);
    driver = project.cliInBackground("deploy", "--json");
    const section = page.locator(`section[data-stack="${project.stackName}"]`);
    await section.locator(".rollout-facts", { hasText: "step 1/3" }).waitFor({ timeout: 120_000 });
    await section.locator(".rollout-facts", { hasText: "step 2/3" }).waitFor({ timeout: 120_000 });
    assert.equal(loads, loadsBefore, "the page was updated in place, not reloaded");
    // Measurements arrive as the analysis takes them.
    await section.locator("table td", { hasText: "Successful" }).first().waitFor({ timeout: 60_000 });
    await section.locator(".charts .timeline canvas").first().waitFor();
    const box = await section.locator(".charts .timeline canvas").first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `the timeline chart has a size: ${JSON.stringify(box)}`);
    await screenshot(page, "dashboard-rollout");
    assert.deepEqual(watched.errors, []);
  });

  it("pause: the button asks for confirmation, then the rollout pauses where it stood", async () => {
    const { page } = watched;
    const section = page.locator(`section[data-stack="${project.stackName}"]`);
    const dialogs: string[] = [];
    page.once("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.accept();
    });
    await section.locator("button.action.pause").click();
    const paused = await project.waitForRecord((r) => r.status === "paused", 60_000);
    assert.match(dialogs[0] ?? "", new RegExp(`This runs: switchyard pause --stack ${project.stackName}`));
    assert.equal((await driver.done).code, 4, "the driver stopped for a person (exit 4)");
    assert.deepEqual(await project.liveWeights(), paused.weights, "traffic stays where the rollout paused");
    await section.locator(".rollout-status.paused").waitFor();
    await section.locator("button.action.resume").waitFor();
    assert.equal(await section.locator("button.action.pause").count(), 0, "no pause button on a paused rollout");
    await screenshot(page, "dashboard-paused");
    assert.deepEqual(watched.errors, []);
  });

  it("a dismissed confirmation changes nothing", async () => {
    const { page } = watched;
    const before = await revisionOf(project);
    page.once("dialog", (dialog) => dialog.dismiss());
    await page.locator(`section[data-stack="${project.stackName}"] button.action.abort`).click();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await revisionOf(project), before);
    assert.equal((await project.rolloutRecord())!.status, "paused");
  });

  it("without JavaScript: the read-only summary, and no button that could act", async () => {
    const { page, errors } = await openPage(browser, { javaScriptEnabled: false });
    await page.goto(dashboard.address);
    const section = page.locator(`section[data-stack="${project.stackName}"]`);
    // Status runs every 2 s beside the engine's writes; a page is a snapshot: reload until it has status's answer.
    for (let tries = 0; !/What serves/.test(await section.locator(".summary").innerText()) && tries < 15; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await page.reload();
    }
    assert.match(await section.locator(".rollout-facts").innerText(), /paused/);
    assert.match(await section.locator(".summary").innerText(), /What serves/);
    assert.match(await section.locator(".charts").innerText(), /Charts need JavaScript/);
    for (const button of await section.locator("button.action").all()) assert.equal(await button.isDisabled(), true);
    await screenshot(page, "dashboard-no-javascript");
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("requests without the token, with a wrong one, and from another site's page are refused; nothing changes", async () => {
    const before = await revisionOf(project);
    const url = `${dashboard.origin}/api/stacks/${project.stackName}/actions/abort`;
    const record = (await project.rolloutRecord())!;
    const body = JSON.stringify({ confirm: project.stackName, rollout: record.id });
    const noToken = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal(noToken.status, 401);
    const wrong = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-switchyard-token": "guess", cookie: `switchyard_dashboard_${new URL(dashboard.origin).port}=guess` }, body });
    assert.equal(wrong.status, 401);
    const page401 = await fetch(`${dashboard.origin}/api/snapshot`);
    assert.equal(page401.status, 401);

    // Another site (another origin on this machine) whose page the person opens in the same browser.
    evil = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><script>
        window.results = [];
        const target = ${JSON.stringify(url)};
        const payload = ${JSON.stringify(body)};
        fetch(target, { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: payload })
          .then((r) => results.push("json:" + r.status), (e) => results.push("json:blocked"));
        fetch(target, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: payload })
          .then((r) => results.push("plain:" + r.type), (e) => results.push("plain:blocked"));
      </script>`);
    });
    await new Promise<void>((resolve) => evil!.listen(0, "127.0.0.1", resolve));
    const { page } = watched;
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as unknown as { results: string[] }).results.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await revisionOf(project), before, "the rollout record is untouched");
    const after = (await project.rolloutRecord())!;
    assert.equal(after.status, "paused");
    assert.deepEqual(await project.liveWeights(), record.weights, "no traffic moved");
  });

  it("abort from the page rolls the rollout back: all traffic on the stable slot", async () => {
    const { page } = watched;
    watched.errors.length = 0;
    await page.goto(dashboard.origin);
    await page.locator("#live", { hasText: /^live$/ }).waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await page.locator(`section[data-stack="${project.stackName}"] button.action.abort`).click();
    await project.waitForRecord((r) => r.status === "rolled-back", 180_000);
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    const section = page.locator(`section[data-stack="${project.stackName}"]`);
    await section.locator(".rollout-status.rolled-back").waitFor({ timeout: 30_000 });
    await screenshot(page, "dashboard-rolled-back");
    assert.deepEqual(watched.errors, []);
  });
});
