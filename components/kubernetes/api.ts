/**
 * A small read-only client of the Kubernetes API, for observation only: the weights an HTTPRoute
 * or a Service really carries, and what the Deployments run. The engine's provider changes the
 * cluster, never this. Credentials are those the provider uses: the kubeconfig files of
 * KUBECONFIG (else ~/.kube/config), merged as kubectl merges them (the first file to define a
 * name wins), and the context the stack names, never the current one.
 *
 * Supports what kubeconfigs carry in practice: a bearer token (inline or tokenFile), a client
 * certificate (inline or by file), basic auth, an `exec` credential plugin (EKS, GKE, AKS) and an
 * OIDC auth-provider's id-token; the cluster's CA (inline or by file), tls-server-name and
 * insecure-skip-tls-verify.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { request, type RequestOptions } from "node:https";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { homedir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

export class KubeApiError extends Error {}

/** An API server's answer: its status and its body, parsed when it is JSON (`/readyz` says "ok"). */
export function responseOf(res: IncomingMessage): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.on("error", reject);
    res.on("end", () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON.
      }
      resolve({ status: res.statusCode ?? 0, body });
    });
  });
}

export interface KubeResponse {
  readonly status: number;
  /** Parsed JSON, or the text when it is not JSON. */
  readonly body: any;
}

export interface KubeApi {
  /** The context's cluster address, for messages. */
  readonly server: string;
  readonly context: string;
  get(apiPath: string): Promise<KubeResponse>;
}

type Named<T> = { readonly name: string; readonly file: string; readonly value: T };

interface ClusterEntry {
  readonly server?: string;
  readonly "certificate-authority"?: string;
  readonly "certificate-authority-data"?: string;
  readonly "insecure-skip-tls-verify"?: boolean;
  readonly "tls-server-name"?: string;
}

interface UserEntry {
  readonly token?: string;
  readonly tokenFile?: string;
  readonly "client-certificate"?: string;
  readonly "client-certificate-data"?: string;
  readonly "client-key"?: string;
  readonly "client-key-data"?: string;
  readonly username?: string;
  readonly password?: string;
  readonly exec?: { readonly command: string; readonly args?: string[]; readonly env?: { name: string; value: string }[] | null; readonly apiVersion?: string };
  readonly "auth-provider"?: { readonly name?: string; readonly config?: Record<string, string> };
}

interface ContextEntry {
  readonly cluster: string;
  readonly user: string;
}

/** The kubeconfig files the provider reads, in order. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = env.KUBECONFIG?.split(path.delimiter).filter(Boolean);
  return list?.length ? list : [path.join(env.HOME ?? homedir(), ".kube", "config")];
}

function entries<T>(files: readonly string[], key: "clusters" | "users" | "contexts", inner: "cluster" | "user" | "context"): Named<T>[] {
  const found: Named<T>[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // kubectl skips a listed file that does not exist
    }
    const doc = (parse(text) ?? {}) as Record<string, Array<Record<string, unknown>> | undefined>;
    for (const entry of doc[key] ?? []) {
      if (typeof entry?.name === "string" && !found.some((f) => f.name === entry.name)) found.push({ name: entry.name, file, value: (entry[inner] ?? {}) as T });
    }
  }
  return found;
}

/** A file path of a kubeconfig is relative to the kubeconfig's own folder. */
const readRelative = (file: string, from: string) => readFileSync(path.resolve(path.dirname(from), file));

interface Credentials {
  readonly headers: Record<string, string>;
  readonly cert?: Buffer | string;
  readonly key?: Buffer | string;
}

const execCache = new Map<string, { credentials: Credentials; expires: number }>();

/** Runs an exec credential plugin (client.authentication.k8s.io) and reads its ExecCredential. */
async function execCredentials(user: Named<UserEntry>, server: string): Promise<Credentials> {
  const exec = user.value.exec!;
  const key = JSON.stringify([exec, server]);
  const cached = execCache.get(key);
  if (cached && cached.expires > Date.now()) return cached.credentials;
  const apiVersion = exec.apiVersion ?? "client.authentication.k8s.io/v1";
  const env = { ...process.env, ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])), KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion, kind: "ExecCredential", spec: { interactive: false } }) };
  const output = await new Promise<string>((resolve, reject) => {
    execFile(exec.command, exec.args ?? [], { env, cwd: path.dirname(user.file), timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new KubeApiError(`the kubeconfig user "${user.name}"'s credential plugin ${exec.command} failed: ${(stderr || error.message).trim().split("\n")[0]}`));
      else resolve(stdout);
    });
  });
  const status = (JSON.parse(output) as { status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string } }).status ?? {};
  const credentials: Credentials = status.token
    ? { headers: { authorization: `Bearer ${status.token}` } }
    : { headers: {}, cert: status.clientCertificateData, key: status.clientKeyData };
  const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) - 30_000 : Date.now() + 5 * 60_000;
  execCache.set(key, { credentials, expires });
  return credentials;
}

async function credentialsOf(user: Named<UserEntry>, server: string): Promise<Credentials> {
  const u = user.value;
  const tls = {
    cert: u["client-certificate-data"] ? Buffer.from(u["client-certificate-data"], "base64") : u["client-certificate"] ? readRelative(u["client-certificate"], user.file) : undefined,
    key: u["client-key-data"] ? Buffer.from(u["client-key-data"], "base64") : u["client-key"] ? readRelative(u["client-key"], user.file) : undefined,
  };
  if (u.token) return { headers: { authorization: `Bearer ${u.token}` }, ...tls };
  if (u.tokenFile) return { headers: { authorization: `Bearer ${readRelative(u.tokenFile, user.file).toString("utf8").trim()}` }, ...tls };
  if (u.username !== undefined && u.password !== undefined) return { headers: { authorization: `Basic ${Buffer.from(`${u.username}:${u.password}`).toString("base64")}` }, ...tls };
  if (u.exec) return execCredentials(user, server);
  const idToken = u["auth-provider"]?.config?.["id-token"];
  if (idToken) return { headers: { authorization: `Bearer ${idToken}` }, ...tls };
  if (u["auth-provider"]) throw new KubeApiError(`the kubeconfig user "${user.name}" uses the auth-provider "${u["auth-provider"].name}", which Switchyard cannot read; use an exec credential plugin`);
  return { headers: {}, ...tls };
}

/**
 * A client for the kubeconfig context `context`. Throws naming the context and the files read
 * when the context, its cluster or its user is not there.
 */
export async function kubeApi(context: string, env: NodeJS.ProcessEnv = process.env): Promise<KubeApi> {
  const files = kubeconfigFiles(env);
  const where = `kubeconfig ${files.join(path.delimiter)}`;
  const ctx = entries<ContextEntry>(files, "contexts", "context").find((c) => c.name === context);
  if (!ctx) throw new KubeApiError(`the ${where} has no context "${context}"`);
  const cluster = entries<ClusterEntry>(files, "clusters", "cluster").find((c) => c.name === ctx.value.cluster);
  if (!cluster?.value.server) throw new KubeApiError(`the ${where} has no cluster "${ctx.value.cluster}" (context "${context}") with a server`);
  const user = entries<UserEntry>(files, "users", "user").find((u) => u.name === ctx.value.user) ?? { name: ctx.value.user, file: cluster.file, value: {} };
  const server = cluster.value.server.replace(/\/+$/, "");
  const c = cluster.value;
  const ca = c["certificate-authority-data"] ? Buffer.from(c["certificate-authority-data"], "base64") : c["certificate-authority"] ? readRelative(c["certificate-authority"], cluster.file) : undefined;
  const credentials = await credentialsOf(user, server);
  const secure = server.startsWith("https:");
  const options: RequestOptions = {
    method: "GET",
    headers: { accept: "application/json", "user-agent": "switchyard", ...credentials.headers },
    timeout: 15_000,
    ...(secure
      ? { ca, cert: credentials.cert, key: credentials.key, rejectUnauthorized: c["insecure-skip-tls-verify"] !== true, ...(c["tls-server-name"] ? { servername: c["tls-server-name"] } : {}) }
      : {}),
  };
  const get = (apiPath: string) =>
    new Promise<KubeResponse>((resolve, reject) => {
      const send = secure ? request : httpRequest;
      const req = send(`${server}${apiPath}`, options, (res) => void responseOf(res).then(resolve, reject));
      req.on("timeout", () => req.destroy(new KubeApiError(`the Kubernetes API server ${server} did not answer GET ${apiPath} within 15 s`)));
      req.on("error", (error) => reject(error instanceof KubeApiError ? error : new KubeApiError(`the Kubernetes API server ${server} (context "${context}"): ${error.message}`)));
      req.end();
    });
  return { server, context, get };
}

/** GET of one object: its body, `undefined` when it does not exist; any other answer throws with the server's message. */
export async function getObject(api: KubeApi, apiPath: string): Promise<any | undefined> {
  const response = await api.get(apiPath);
  if (response.status === 404) return undefined;
  if (response.status !== 200) {
    const message = typeof response.body === "object" && response.body?.message ? response.body.message : String(response.body).slice(0, 200);
    throw new KubeApiError(`GET ${apiPath} on ${api.server} (context "${api.context}") answered ${response.status}: ${message}`);
  }
  return response.body;
}
