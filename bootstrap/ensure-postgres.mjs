// The servers the shared-backend tests start on loopback: PostgreSQL (Debian's binaries, for the
// postgres:// state backend) and moto's S3 server (python3, for the s3:// one). Plain JavaScript
// without dependencies, like the rest of set-up. Installs only where set-up may install system
// packages (root or CI=true); otherwise stops with the command to run.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { capture, run } from "./run-command.mjs";
import { mayInstallSystemPackages, SetupError, step } from "./log.mjs";

const TOOLS = ["initdb", "pg_ctl", "postgres"];
const DEBIAN_ROOT = "/usr/lib/postgresql";
const APT_POSTGRES = "apt-get install -y --no-install-recommends postgresql";
const PIP_MOTO = ["-m", "pip", "install", "moto[server]"];

/** initdb, pg_ctl and postgres: all three on PATH, else from Debian's newest cluster version. */
export function findPostgres() {
  const candidates = [];
  const onPath = TOOLS.map((tool) => capture("sh", ["-c", `command -v ${tool}`]));
  if (onPath.every(Boolean)) candidates.push(onPath);
  if (existsSync(DEBIAN_ROOT)) {
    const versions = readdirSync(DEBIAN_ROOT).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => TOOLS.map((tool) => join(DEBIAN_ROOT, v, "bin", tool))));
  }
  for (const [initdb, pgCtl, postgres] of candidates) {
    if (![initdb, pgCtl, postgres].every((file) => existsSync(file))) continue;
    const version = capture(postgres, ["--version"])?.match(/(\d+(?:\.\d+)?)/)?.[1];
    if (version) return { initdb, pgCtl, postgres, version };
  }
  return undefined;
}

/** Paths of initdb, pg_ctl and postgres and the server's version, installing Debian's package where allowed. */
export async function ensurePostgres() {
  const found = findPostgres();
  if (found) return found;
  if (!mayInstallSystemPackages()) {
    throw new SetupError("PostgreSQL (initdb, pg_ctl, postgres) is needed by the postgres:// backend tests and was not found.", `sudo ${APT_POSTGRES}`);
  }
  step("installing PostgreSQL (apt-get)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const args = APT_POSTGRES.split(" ").slice(1);
  try {
    await run("apt-get", args, { env, stdout: process.stderr });
  } catch {
    await run("apt-get", ["update"], { env, stdout: process.stderr });
    await run("apt-get", args, { env, stdout: process.stderr });
  }
  const installed = findPostgres();
  if (!installed) throw new SetupError("PostgreSQL was installed but initdb/pg_ctl/postgres cannot be found.", `ls ${DEBIAN_ROOT}/*/bin`);
  return installed;
}

// `import moto.server` takes ~0.5 s; finding the modules without importing them keeps a second
// set-up run fast. The server needs moto's server module and the [server] extra (flask, flask_cors).
const MOTO_PROBE = [
  "import importlib.util as u, importlib.metadata as m, os",
  "s = u.find_spec('moto')",
  "assert s and os.path.exists(os.path.join(os.path.dirname(s.origin), 'server.py'))",
  "assert u.find_spec('flask') and u.find_spec('flask_cors')",
  "print(m.version('moto'))",
].join("\n");

function motoVersion(python) {
  return capture(python, ["-c", MOTO_PROBE]);
}

/** The python that runs `python3 -m moto.server` and moto's version, installing moto[server] with pip where allowed. */
export async function ensureMoto() {
  const python = "python3";
  if (!capture("sh", ["-c", `command -v ${python}`])) {
    throw new SetupError("python3 is needed to run moto's S3 server for the s3:// backend tests and was not found.", "sudo apt-get install -y --no-install-recommends python3 python3-pip");
  }
  const version = motoVersion(python);
  if (version) return { python, version };
  const command = `${python} ${PIP_MOTO.slice(0, -1).join(" ")} 'moto[server]'`;
  if (!mayInstallSystemPackages()) {
    throw new SetupError("moto's S3 server (python package moto[server]) is needed by the s3:// backend tests and was not found.", command);
  }
  step("installing moto[server] (pip)");
  try {
    await run(python, PIP_MOTO, { stdout: process.stderr });
  } catch (error) {
    // Debian's own python refuses pip installs (PEP 668): say what works instead of forcing it.
    throw new SetupError(`${command} failed: ${error.message}`, "install it in a virtualenv whose python3 comes first on PATH, or use: pipx install 'moto[server]'");
  }
  const installed = motoVersion(python);
  if (!installed) throw new SetupError("moto[server] was installed but `import moto.server` still fails.", `${python} -c "import moto.server"`);
  return { python, version: installed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Promise.all([ensurePostgres(), ensureMoto()])
    .then(([postgres, moto]) => step(`PostgreSQL ${postgres.version} (${postgres.postgres}), moto ${moto.version}`))
    .catch((error) => {
      process.stderr.write(`switchyard setup failed: ${error.message}\n`);
      process.exit(1);
    });
}
