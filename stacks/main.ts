// Entry point for a plain `pulumi up` (Pulumi.yaml `main`); the driver runs switchyardProgram inline.
import { switchyardProgram } from "./program";

export = switchyardProgram();
