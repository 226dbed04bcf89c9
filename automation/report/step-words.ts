/** How a report's steps read in every renderer (Markdown, HTML), so that they never disagree. Pure. */
import type { Report, StepView } from "./model";

/** The step's status; the timeline names a failed step as such, where the step view only knows the phase it stopped in. */
export const stepStatus = (report: Report, index: number): string => report.timeline?.steps[index]?.outcome ?? report.steps[index]?.status ?? "pending";

/** Each metric's verdict in words ("error-share 3 successful, …"), or undefined when the step was not analysed. */
export const analysisWords = (step: StepView): string | undefined => step.analysis?.metrics.map((m) => `${m.name} ${m.message}`).join("; ");
