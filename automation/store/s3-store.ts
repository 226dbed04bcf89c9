/**
 * Documents as objects in the S3 bucket that holds the stack's state, under
 * `<backend prefix>/.switchyard/<project>/<stack>/<key>.json`.
 *
 * Compare-and-swap uses S3 conditional writes: `If-None-Match: *` creates, `If-Match: <ETag>`
 * replaces exactly the version whose revision we read. The guarantee is the server's: atomic on
 * AWS S3 (and stores that implement conditional writes); a server that ignores the headers would
 * let two writers both win, so each store checks once, before its first write, that the server
 * refuses a failed precondition, and refuses to write otherwise.
 */
import {
  GetObjectCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
  type S3ClientConfig,
  type ServerSideEncryption,
} from "@aws-sdk/client-s3";
import { ConfigError, SwitchyardError } from "../../model/errors";
import { CorruptDocumentError, parseDocument, RevisionConflictError, type DocumentStore, type StoredDocument } from "./document-store";

/** Where the documents live and how to reach the bucket, read from a backend URL. */
export interface S3Location {
  readonly bucket: string;
  /** Key prefix of the backend inside the bucket ("" or ending in "/"). */
  readonly prefix: string;
  readonly client: S3ClientConfig;
  readonly encryption?: { readonly type: ServerSideEncryption; readonly kmsKeyId?: string };
}

/** An S3 request failed for a reason other than a lost compare-and-swap. */
export class S3StoreError extends SwitchyardError {
  constructor(what: string, where: string, cause: unknown) {
    super(
      `${what} at ${where} failed: ${describe(cause)}`,
      "check that the bucket exists and that the AWS credentials in this environment may read and write it",
    );
  }
}

/** The server accepted a write whose precondition failed: compare-and-swap would be unsafe. */
export class ConditionalWritesUnsupportedError extends SwitchyardError {
  constructor(where: string) {
    super(
      `the S3 server behind ${where} ignores conditional writes (If-None-Match / If-Match), so two drivers could both think they wrote last`,
      "use an S3 server that supports conditional writes (AWS S3, recent MinIO, moto >= 5), or a postgres:// or file:// backend",
    );
  }
}

/** A problem with one part of PULUMI_BACKEND_URL. */
function urlProblem(part: string, message: string, value: string, fix: string): ConfigError {
  return new ConfigError([{ path: part, message, value, fix }], "PULUMI_BACKEND_URL");
}

const bool = (name: string, value: string): boolean => {
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw urlProblem(name, `must be true or false`, value, "use true or false");
};

/**
 * Reads an `s3://bucket[/prefix]?...` backend URL as the engine does: Pulumi first rewrites the
 * AWS SDK v1 parameters (disableSSL, a scheme-less endpoint), then gocloud.dev opens the bucket
 * (pulumi/pkg backend/diy/backend.go translateLegacyS3Params; gocloud.dev aws.V2ConfigFromURLParams).
 * Credentials and, without `region`, the region come from the default AWS chain.
 */
export function s3LocationFromUrl(backendUrl: string, env: NodeJS.ProcessEnv = process.env): S3Location {
  const url = new URL(backendUrl);
  if (url.protocol !== "s3:" || !url.hostname) {
    throw urlProblem("bucket", "an S3 backend URL names its bucket", `${url.protocol}//${url.hostname}`, "use s3://BUCKET[/PREFIX]?region=...");
  }
  const q = url.searchParams;
  const client: S3ClientConfig = {};
  const disableSSL = q.has("disableSSL") ? bool("disableSSL", q.get("disableSSL")!) : undefined;
  const endpoint = q.get("endpoint");
  if (endpoint) {
    client.endpoint = endpoint.includes("://") ? endpoint : `${disableSSL ? "http" : "https"}://${endpoint}`;
  } else if (disableSSL !== undefined) {
    client.tls = !disableSSL;
  }
  if (q.has("disable_https")) client.tls = !bool("disable_https", q.get("disable_https")!);
  for (const name of ["use_path_style", "s3ForcePathStyle"]) {
    if (q.has(name)) client.forcePathStyle = bool(name, q.get(name)!);
  }
  if (q.get("region")) client.region = q.get("region")!;
  if (q.get("profile")) client.profile = q.get("profile")!;
  if (q.has("accelerate")) client.useAccelerateEndpoint = bool("accelerate", q.get("accelerate")!);
  if (q.has("dualstack")) client.useDualstackEndpoint = bool("dualstack", q.get("dualstack")!);
  if (q.has("fips")) client.useFipsEndpoint = bool("fips", q.get("fips")!);
  // The engine computes checksums only when required against third-party endpoints; do the same.
  const checksums = q.get("request_checksum_calculation") ?? (endpoint && !env.AWS_REQUEST_CHECKSUM_CALCULATION ? "when_required" : undefined);
  if (checksums) client.requestChecksumCalculation = checksums === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const validation = q.get("response_checksum_validation");
  if (validation) client.responseChecksumValidation = validation === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  for (const name of ["role", "anonymous"]) {
    if (q.has(name)) {
      throw urlProblem(name, "is not supported for Switchyard records yet", q.get(name)!, "give the credentials through the default AWS chain (AWS_PROFILE, environment, instance role) instead");
    }
  }
  const sse = q.get("ssetype") as ServerSideEncryption | null;
  const encryption = sse ? { type: sse, kmsKeyId: q.get("kmskeyid") ?? undefined } : undefined;
  // gocloud.dev applies `prefix=` first, then Pulumi the URL's path as a sub-folder.
  const subDir = url.pathname.replace(/^\/+/, "");
  const prefix = (q.get("prefix") ?? "") + (subDir && !subDir.endsWith("/") ? `${subDir}/` : subDir);
  return { bucket: url.hostname, prefix, client, encryption };
}

function describe(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : "";
    return `${e.name ?? "Error"}: ${e.message ?? ""}${status}`;
  }
  return String(error);
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
/** 412: the precondition failed; 409: a concurrent conditional write won (AWS); 404: If-Match on a deleted key. */
const lostRace = (error: unknown) => [409, 412, 404].includes(statusOf(error) ?? 0);
const notFound = (error: unknown) => statusOf(error) === 404 || (error as { name?: string })?.name === "NoSuchKey";

/** Which servers were already checked for conditional writes in this process. */
const checkedServers = new Map<string, Promise<void>>();

export class S3DocumentStore implements DocumentStore {
  private readonly client: S3Client;
  private readonly root: string;

  constructor(
    private readonly where: S3Location,
    project: string,
    stack: string,
  ) {
    this.client = new S3Client(where.client);
    this.root = `${where.prefix}.switchyard/${project}/${stack}/`;
  }

  static fromUrl(backendUrl: string, project: string, stack: string, env: NodeJS.ProcessEnv = process.env): S3DocumentStore {
    return new S3DocumentStore(s3LocationFromUrl(backendUrl, env), project, stack);
  }

  get location(): string {
    const endpoint = this.where.client.endpoint ? ` (${String(this.where.client.endpoint)})` : "";
    return `s3://${this.where.bucket}/${this.root}${endpoint}`;
  }

  private objectKey(key: string) {
    return `${this.root}${key}.json`;
  }

  private async read<T>(key: string): Promise<{ doc: StoredDocument<T>; etag: string } | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }));
      const doc = parseDocument<T>(`${this.location}/${key}`, key, await out.Body!.transformToString("utf8"));
      return { doc, etag: out.ETag! };
    } catch (error) {
      if (notFound(error)) return undefined;
      if (error instanceof CorruptDocumentError) throw error;
      throw new S3StoreError(`reading ${key}`, this.location, error);
    }
  }

  async get<T>(key: string): Promise<StoredDocument<T> | undefined> {
    return (await this.read<T>(key))?.doc;
  }

  private putInput(key: string, body: string, condition: { IfNoneMatch: string } | { IfMatch: string } | object): PutObjectCommandInput {
    const sse = this.where.encryption;
    return {
      Bucket: this.where.bucket,
      Key: key,
      Body: body,
      ContentType: "application/json",
      ...(sse ? { ServerSideEncryption: sse.type, SSEKMSKeyId: sse.kmsKeyId } : {}),
      ...condition,
    };
  }

  /** Writes a probe object, then asks for two writes that must be refused. */
  private checkConditionalWrites(): Promise<void> {
    const server = `${String(this.where.client.endpoint ?? "aws")}/${this.where.bucket}`;
    let check = checkedServers.get(server);
    if (!check) {
      check = (async () => {
        const probe = `${this.root}.conditional-write-probe`;
        const send = (condition: object) => this.client.send(new PutObjectCommand(this.putInput(probe, "{}", condition)));
        try {
          await send({});
        } catch (error) {
          throw new S3StoreError("writing a probe object", this.location, error);
        }
        for (const condition of [{ IfNoneMatch: "*" }, { IfMatch: '"switchyard-no-such-etag"' }]) {
          try {
            await send(condition);
          } catch (error) {
            if (lostRace(error)) continue;
            throw new S3StoreError("checking conditional writes", this.location, error);
          }
          throw new ConditionalWritesUnsupportedError(this.location);
        }
      })();
      checkedServers.set(server, check);
      check.catch(() => checkedServers.delete(server));
    }
    return check;
  }

  async put<T>(key: string, value: T, expectedRevision: number): Promise<StoredDocument<T>> {
    await this.checkConditionalWrites();
    const doc: StoredDocument<T> = { value, revision: expectedRevision + 1 };
    let condition: { IfNoneMatch: string } | { IfMatch: string } = { IfNoneMatch: "*" };
    if (expectedRevision !== 0) {
      const current = await this.read<T>(key);
      const found = current?.doc.revision ?? 0;
      if (found !== expectedRevision) throw new RevisionConflictError(key, expectedRevision, found);
      condition = { IfMatch: current!.etag };
    }
    try {
      await this.client.send(new PutObjectCommand(this.putInput(this.objectKey(key), JSON.stringify(doc, null, 2), condition)));
      return doc;
    } catch (error) {
      if (!lostRace(error)) throw new S3StoreError(`writing ${key}`, this.location, error);
      throw new RevisionConflictError(key, expectedRevision, (await this.get<T>(key))?.revision ?? 0);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (!notFound(error)) throw new S3StoreError(`deleting ${key}`, this.location, error);
    }
  }
}
