import assert from "node:assert/strict";
import { providerConfigLines } from "../../../automation/recovery/secrets-check";

describe("secrets provider check", () => {
  it("builds the config lines that open the state's own secrets provider", () => {
    const table: Array<[Parameters<typeof providerConfigLines>[0], string | undefined]> = [
      [undefined, undefined],
      [{}, undefined],
      [{ type: "passphrase", state: { salt: "v1:abc=:v1:def:ghi==" } }, "encryptionsalt: v1:abc=:v1:def:ghi==\n"],
      [{ type: "passphrase", state: {} }, undefined],
      [{ type: "cloud", state: { url: "awskms://alias/x?region=eu-west-1", encryptedkey: "AQID" } }, "secretsprovider: awskms://alias/x?region=eu-west-1\nencryptedkey: AQID\n"],
      [{ type: "service" }, ""],
    ];
    for (const [providers, expected] of table) assert.equal(providerConfigLines(providers), expected, JSON.stringify(providers));
  });
});
