import { strict as assert } from "node:assert";
import { DashboardHub, type DashboardUpdate } from "../../../automation/dashboard/hub";
import type { Report } from "../../../automation/report/model";

const ok = { value: { summary: {} } as unknown as Report, at: "t" };
const failed = { error: "failed to load checkpoint: EOF", at: "t" };
const records = () => ({ read: async () => ({ fingerprint: "same", snapshot: { stack: "s", readAt: "t", releases: { value: [] }, metrics: { error: "x" }, drift: { value: undefined } } }) });

async function statusesPublished(answers: (typeof ok | typeof failed)[], count: number): Promise<{ published: string[]; asked: number }> {
  let asked = 0;
  const hub = new DashboardHub({ workDir: "/nowhere", stacks: ["s"], recordsEveryMs: 60_000, statusEveryMs: 5, records, status: async () => answers[Math.min(asked++, answers.length - 1)]! });
  const published: string[] = [];
  hub.subscribe((u: DashboardUpdate) => u.kind === "stack" && published.push(u.snapshot.status?.error ?? "ok"));
  await hub.start();
  while (published.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  hub.stop();
  return { published, asked };
}

describe("dashboard hub: status as the page gets it", () => {
  it("a stack that answered and fails once is asked again before the failure is shown", async () => {
    const { published } = await statusesPublished([ok, failed, ok, ok], 2);
    assert.deepEqual(published.slice(0, 2), ["ok", "ok"]);
  });
  it("a failure that stays is shown", async () => {
    const { published } = await statusesPublished([ok, failed, failed, failed], 2);
    assert.deepEqual(published.slice(0, 2), ["ok", failed.error]);
  });
});
