// Entry of the pack (package.json "main"). The rules are TypeScript: register tsx, then load them.
// @pulumi/pulumi's run-policy-pack registers its vendored ts-node first; tsx's hooks, registered
// last, are the ones that compile the .ts files.
require("tsx/cjs/api").register();
require("./pack.ts");
