// The benchmark stack's program as a file, for the raw `pulumi preview` baseline: the plain CLI
// runs it through the Node.js language host (Pulumi.yaml `main`); the driver runs the same
// program inline. SWITCHYARD_BENCH_DRIFT_RESOURCES says how many resources.
import { noopProgram } from "./program";

export = noopProgram(Number(process.env.SWITCHYARD_BENCH_DRIFT_RESOURCES ?? 1000));
