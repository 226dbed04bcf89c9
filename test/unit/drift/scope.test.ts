/** `drift --only`: what was asked is in the report, and every rendering says when one question was left out. */
import assert from "node:assert/strict";
import { buildDriftReport } from "../../../automation/drift/report";
import { renderDriftMarkdown } from "../../../automation/drift/render-markdown";
import { renderDriftJson, renderDriftText } from "../../../automation/drift/render-text";
import type { Question } from "../../../automation/drift/model";

const report = (questions?: readonly Question[]) => buildDriftReport({ stack: "prod", startedAt: 0, now: 1000, items: [], resources: [], questions });

describe("drift: which questions were asked", () => {
  it("both by default, and the renderings say nothing extra", () => {
    const full = report();
    assert.deepEqual(full.summary.questions, ["cloud", "code"]);
    assert.doesNotMatch(renderDriftText(full), /only/);
    assert.doesNotMatch(renderDriftMarkdown(full), /only/);
  });

  it("--only cloud: a clean report says code and config were not previewed", () => {
    const cloud = report(["cloud"]);
    assert.deepEqual(JSON.parse(renderDriftJson(cloud)).summary.questions, ["cloud"]);
    assert.match(renderDriftText(cloud), /only the cloud was checked .*code and config were not previewed/);
    assert.match(renderDriftMarkdown(cloud), /_only the cloud was checked/);
  });

  it("--only code: says the cloud was not read", () => {
    assert.match(renderDriftText(report(["code"])), /the cloud was not read/);
  });
});
