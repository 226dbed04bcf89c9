import assert from "node:assert/strict";
import { hexAddressOf, listeningInodes, processStateOf } from "../../../components/local/procfs";

describe("procfs: process state", () => {
  const cases: [string | undefined, string][] = [
    ["1234 (node) S 1 1234 1234 0 -1", "running"],
    ["1234 (node) R 1 1234", "running"],
    ["1234 (node) D 1 1234", "running"],
    ["1234 (node) T 1 1234", "stopped"],
    ["1234 (node) t 1 1234", "stopped"],
    ["1234 (node) Z 1 1234", "gone"],
    ["1234 (odd) name) T 1 1234", "stopped"],
    [undefined, "gone"],
    ["", "gone"],
  ];
  for (const [stat, state] of cases) {
    it(`${JSON.stringify(stat)} is ${state}`, () => assert.equal(processStateOf(stat), state));
  }
});

describe("procfs: listening sockets", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:4E21 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0",
    "   1: 00000000:4E22 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 100 0 0 10 0",
    "   2: 0100007F:4E23 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 100 0 0 10 0",
    "   3: 0200007F:4E21 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1 0 100 0 0 10 0",
  ].join("\n");

  it("writes IPv4 addresses as /proc/net/tcp does", () => assert.equal(hexAddressOf("127.0.0.1"), "0100007F"));
  it("finds the socket listening on address:port", () => assert.deepEqual([...listeningInodes(table, "127.0.0.1", 20001)], ["111"]));
  it("counts a wildcard bind", () => assert.deepEqual([...listeningInodes(table, "127.0.0.1", 20002)], ["222"]));
  it("ignores established connections", () => assert.deepEqual([...listeningInodes(table, "127.0.0.1", 20003)], []));
  it("tells addresses apart on the same port", () => assert.deepEqual([...listeningInodes(table, "127.0.0.2", 20001)], ["444"]));
});
