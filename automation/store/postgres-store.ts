/**
 * Documents in the PostgreSQL database that holds the stack's state (Pulumi's postgres DIY
 * backend), in a table of our own next to Pulumi's. Compare-and-swap is one statement each:
 * `INSERT ... ON CONFLICT DO NOTHING` creates, `UPDATE ... WHERE revision = $expected` replaces,
 * so the database's row locking decides which of two writers wins.
 */
import { readFileSync } from "node:fs";
import { Pool, type PoolConfig } from "pg";
import { ConfigError, SwitchyardError } from "../../model/errors";
import { RevisionConflictError, type DocumentStore, type StoredDocument } from "./document-store";

export const DOCUMENTS_TABLE = "switchyard_documents";

/** A backend URL for messages: the password (in the user info or a query parameter) replaced. */
export function redactPostgresUrl(backendUrl: string): string {
  return backendUrl.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@").replace(/([?&]password=)[^&]*/gi, "$1***");
}

/** A database request failed for a reason other than a lost compare-and-swap. */
export class PostgresStoreError extends SwitchyardError {
  constructor(what: string, where: string, cause: unknown, secrets: readonly string[]) {
    const text = cause instanceof Error ? cause.message : String(cause);
    const safe = secrets.filter((s) => s.length > 0).reduce((acc, secret) => acc.split(secret).join("***"), text);
    super(`${what} in ${where} failed: ${safe}`, "check that the database is reachable and that the backend URL's user may create and write tables there");
  }
}

/** libpq connection keys that are not run-time parameters of the server. */
const CONNECTION_KEYS = new Set([
  "host", "hostaddr", "port", "user", "password", "dbname", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl",
  "sslsni", "sslcompression", "sslnegotiation", "sslinline", "sslpassword", "passfile", "target_session_attrs",
  "load_balance_hosts", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
  "krbsrvname", "krbspn", "min_protocol_version", "max_protocol_version", "binary_parameters",
  "disable_prepared_binary_result", "connect_timeout", "application_name", "options",
  // Pulumi's own: the name of its state table.
  "table",
]);

/**
 * Connection settings for node-postgres from the URL the engine uses. The engine connects with
 * lib/pq, whose default sslmode is `require` (TLS without certificate checks), not libpq's
 * `prefer`; we follow the engine so that both reach the database the same way. Missing parts
 * come from PGHOST, PGUSER, PGPASSWORD, PGPORT, PGDATABASE as for the engine.
 */
export function postgresConfigFromUrl(backendUrl: string, env: NodeJS.ProcessEnv = process.env): PoolConfig {
  const url = new URL(backendUrl);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError([{ path: "scheme", message: "is not a PostgreSQL URL", value: url.protocol, fix: "use postgres://USER:PASSWORD@HOST:PORT/DATABASE" }], "PULUMI_BACKEND_URL");
  }
  const q = url.searchParams;
  const decoded = (text: string) => (text ? decodeURIComponent(text) : undefined);
  const config: PoolConfig = {
    host: q.get("host") ?? (decoded(url.hostname.replace(/^\[|\]$/g, "")) || undefined),
    port: q.get("port") ? Number(q.get("port")) : url.port ? Number(url.port) : undefined,
    user: q.get("user") ?? decoded(url.username),
    password: q.get("password") ?? decoded(url.password),
    database: q.get("dbname") ?? decoded(url.pathname.replace(/^\//, "")),
  };
  if (q.get("connect_timeout")) config.connectionTimeoutMillis = Number(q.get("connect_timeout")) * 1000;
  config.application_name = q.get("application_name") ?? "switchyard";
  // Every other parameter is a server setting (search_path, timezone, ...), sent at start-up as lib/pq does.
  const settings = [...q.entries()].filter(([key]) => !CONNECTION_KEYS.has(key)).map(([key, value]) => `-c ${key}=${value.replace(/([\\ ])/g, "\\$1")}`);
  const options = [q.get("options"), ...settings].filter(Boolean).join(" ");
  if (options) config.options = options;
  config.ssl = sslConfig(q.get("sslmode") ?? env.PGSSLMODE ?? "require", q);
  return config;
}

function sslConfig(mode: string, q: URLSearchParams): PoolConfig["ssl"] {
  if (mode === "disable" || mode === "allow") return false;
  const file = (key: string) => (q.get(key) ? readFileSync(q.get(key)!, "utf8") : undefined);
  const ca = file("sslrootcert");
  const tls = { ca, cert: file("sslcert"), key: file("sslkey") };
  switch (mode) {
    case "verify-full":
      return tls;
    case "verify-ca":
      return { ...tls, checkServerIdentity: () => undefined };
    case "require":
    case "prefer":
      // As lib/pq: encrypted without checks, unless a root certificate is given (then verify-ca).
      return ca ? { ...tls, checkServerIdentity: () => undefined } : { ...tls, rejectUnauthorized: false };
    default:
      throw new ConfigError([{ path: "sslmode", message: "is not an sslmode", value: mode, fix: "use disable, require, verify-ca or verify-full" }], "PULUMI_BACKEND_URL");
  }
}

/** One pool per database and process; idle connections never keep a command from exiting. */
const pools = new Map<string, Pool>();

function poolFor(backendUrl: string, env: NodeJS.ProcessEnv): Pool {
  let pool = pools.get(backendUrl);
  if (!pool) {
    pool = new Pool({ ...postgresConfigFromUrl(backendUrl, env), max: 4, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
    // A connection dropped while idle (server restart) must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    pools.set(backendUrl, pool);
  }
  return pool;
}

/** Closes every pool this process opened (tests, before they stop their server). */
export async function closePostgresPools(): Promise<void> {
  const open = [...pools.values()];
  pools.clear();
  await Promise.all(open.map((pool) => pool.end()));
}

/** Tables already checked per database in this process. */
const tablesReady = new Map<string, Promise<void>>();

const UNIQUE_VIOLATION = "23505";

export class PostgresDocumentStore implements DocumentStore {
  private readonly pool: Pool;
  private readonly secrets: string[];

  constructor(
    private readonly backendUrl: string,
    private readonly project: string,
    private readonly stack: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.pool = poolFor(backendUrl, env);
    const config = postgresConfigFromUrl(backendUrl, env);
    this.secrets = [typeof config.password === "string" ? config.password : "", env.PGPASSWORD ?? ""];
  }

  get location(): string {
    const url = new URL(this.backendUrl);
    return `${url.protocol}//${url.host}${url.pathname} table ${DOCUMENTS_TABLE} (${this.project}/${this.stack})`;
  }

  private async query<R extends Record<string, unknown>>(what: string, sql: string, params: unknown[]): Promise<R[]> {
    await this.ensureTable();
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw new PostgresStoreError(what, this.location, error, this.secrets);
    }
  }

  /** Creates the table when missing; a role that may only read and write an existing table works too. */
  private ensureTable(): Promise<void> {
    let ready = tablesReady.get(this.backendUrl);
    if (!ready) {
      ready = (async () => {
        try {
          const { rows } = await this.pool.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [DOCUMENTS_TABLE]);
          if (rows[0]?.t) return;
          await this.pool.query(`CREATE TABLE IF NOT EXISTS ${DOCUMENTS_TABLE} (
            project text NOT NULL,
            stack text NOT NULL,
            key text NOT NULL,
            revision integer NOT NULL,
            value jsonb NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (project, stack, key))`);
        } catch (error) {
          // Two processes creating the table at once: the loser sees the winner's type name taken.
          if ((error as { code?: string }).code === UNIQUE_VIOLATION) return;
          throw new PostgresStoreError(`creating table ${DOCUMENTS_TABLE}`, this.location, error, this.secrets);
        }
      })();
      tablesReady.set(this.backendUrl, ready);
      ready.catch(() => tablesReady.delete(this.backendUrl));
    }
    return ready;
  }

  async get<T>(key: string): Promise<StoredDocument<T> | undefined> {
    const rows = await this.query<{ revision: number; value: T }>(
      `reading ${key}`,
      `SELECT revision, value FROM ${DOCUMENTS_TABLE} WHERE project = $1 AND stack = $2 AND key = $3`,
      [this.project, this.stack, key],
    );
    return rows[0] ? { value: rows[0].value, revision: rows[0].revision } : undefined;
  }

  async put<T>(key: string, value: T, expectedRevision: number): Promise<StoredDocument<T>> {
    const json = JSON.stringify(value);
    const rows =
      expectedRevision === 0
        ? await this.query<{ revision: number }>(
            `writing ${key}`,
            `INSERT INTO ${DOCUMENTS_TABLE} (project, stack, key, revision, value) VALUES ($1, $2, $3, 1, $4::jsonb)
             ON CONFLICT (project, stack, key) DO NOTHING RETURNING revision`,
            [this.project, this.stack, key, json],
          )
        : await this.query<{ revision: number }>(
            `writing ${key}`,
            `UPDATE ${DOCUMENTS_TABLE} SET value = $4::jsonb, revision = revision + 1, updated_at = now()
             WHERE project = $1 AND stack = $2 AND key = $3 AND revision = $5 RETURNING revision`,
            [this.project, this.stack, key, json, expectedRevision],
          );
    if (rows.length === 0) throw new RevisionConflictError(key, expectedRevision, (await this.get(key))?.revision ?? 0);
    return { value, revision: rows[0]!.revision };
  }

  async delete(key: string): Promise<void> {
    await this.query(`deleting ${key}`, `DELETE FROM ${DOCUMENTS_TABLE} WHERE project = $1 AND stack = $2 AND key = $3`, [this.project, this.stack, key]);
  }
}
