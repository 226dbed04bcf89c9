/**
 * `switchyard:local` in two regions: the schema through the stack loader (as a user meets it),
 * and the pure rules behind it.
 */
import assert from "node:assert/strict";
import { parseStackConfig } from "../../../stacks/load-config";
import { configProblems } from "../../support/config-problems";
import { clashProblems, formProblems, localRegionPair, localSchema } from "../../../model/config/local";

const east = { address: "127.0.1.1", ports: { listen: 18181, blue: 18182, green: 18183 } };
const west = { address: "127.0.2.1", ports: { listen: 18191, blue: 18192, green: 18193 } };
const regional = { front: { address: "127.0.0.1", port: 18180 }, regions: { east, west } };

const base = {
  "switchyard:target": "local",
  "switchyard:service": "hello",
  "switchyard:slots": { blue: { version: "1.0.0" }, green: { version: "1.1.0" } },
  "switchyard:active": "blue",
  "switchyard:local": regional,
};

const problems = configProblems;

describe("switchyard:local with two regions", () => {
  it("accepts the example's front and regions, with the front's address defaulted", () => {
    const config = parseStackConfig({ ...base, "switchyard:local": { front: { port: 18180 }, regions: { east, west } } }, "test");
    assert.deepEqual(config.local?.front, { address: "127.0.0.1", port: 18180 });
    assert.deepEqual(config.local?.regions, { east, west });
    assert.equal(config.local?.address, undefined, "the one-region default does not leak into the regional form");
    assert.deepEqual(localRegionPair(config.local!), ["east", "west"]);
  });

  it("keeps the one-region form as it was: address defaults to 127.0.0.1, no regions", () => {
    const config = parseStackConfig({ ...base, "switchyard:local": { ports: { listen: 18080, blue: 18081, green: 18082 } } }, "test");
    assert.deepEqual(config.local, { address: "127.0.0.1", ports: { listen: 18080, blue: 18081, green: 18082 } });
    assert.equal(localRegionPair(config.local!), undefined);
  });

  it("accepts a primary that names one of the regions", () => {
    assert.equal(parseStackConfig({ ...base, "switchyard:dr": { primary: "west" } }, "test").dr?.primary, "west");
  });

  const rejected: Array<[string, unknown, string, RegExp, RegExp?]> = [
    ["both forms at once", { ...regional, ports: east.ports }, "switchyard:local.ports", /one-region form: with regions, each region has its own/],
    ["an address beside regions", { ...regional, address: "127.0.0.1" }, "switchyard:local.address", /one-region form/],
    ["regions without a front", { regions: { east, west } }, "switchyard:local.front", /required with regions/, /front \{ address, port \}/],
    ["a front without regions", { front: { port: 18180 }, ports: east.ports }, "switchyard:local.front", /declare regions beside it, or remove it/],
    ["neither form", {}, "switchyard:local.ports", /is required \(or declare two regions/],
    ["one region", { ...regional, regions: { east } }, "switchyard:local.regions", /exactly two regions.*found 1/, /exactly two regions/],
    ["three regions", { ...regional, regions: { east, north: { address: "127.0.3.1", ports: { listen: 18201, blue: 18202, green: 18203 } }, west } }, "switchyard:local.regions", /found 3/],
    ["regions out of alphabetical order", { ...regional, regions: { west, east } }, "switchyard:local.regions", /lists west before east: list them in alphabetical order \(east, west\)/],
    ["a region off loopback", { ...regional, regions: { east: { ...east, address: "10.0.0.1" }, west } }, "switchyard:local.regions.east.address", /loopback address \(127\.x\.y\.z\)/],
    ["a front off loopback", { ...regional, front: { address: "0.0.0.0", port: 18180 } }, "switchyard:local.front.address", /loopback/],
    ["two regions on one address", { ...regional, regions: { east, west: { ...west, address: east.address } } }, "switchyard:local.regions.west.address", /as region east has: each region needs its own address/],
    ["the front on a region's address and port", { ...regional, front: { address: "127.0.1.1", port: 18181 } }, "switchyard:local.regions.east.ports.listen", /listens on 127\.0\.1\.1:18181, as front does/],
    ["two slots of a region on one port", { ...regional, regions: { east: { ...east, ports: { listen: 18181, blue: 18182, green: 18182 } }, west } }, "switchyard:local.regions.east.ports.green", /as regions\.east\.ports\.blue does/],
    ["a region named front", { ...regional, regions: { east, front: west } }, "switchyard:local.regions.front", /names the global front's files/],
    ["a region name that is no short lowercase name", { ...regional, regions: { East: east, west } }, "switchyard:local.regions.East", /is not a short lowercase name/],
    ["a privileged front port", { ...regional, front: { port: 80 } }, "switchyard:local.front.port", /1024 or above/],
  ];

  for (const [what, block, keyPath, message, fix] of rejected) {
    it(`rejects ${what}, naming ${keyPath}`, () => {
      const found = problems({ ...base, "switchyard:local": block });
      const problem = found.find((p) => p.path === keyPath);
      assert.ok(problem, `no problem at ${keyPath}; got ${JSON.stringify(found)}`);
      assert.match(problem.message, message);
      assert.ok(problem.fix.length > 0, "every problem says how to fix it");
      if (fix) assert.match(problem.fix, fix);
    });
  }

  it("rejects a primary that is neither region with the UnknownRegionError message", () => {
    const found = problems({ ...base, "switchyard:dr": { primary: "north" } });
    const problem = found.find((p) => p.path === "switchyard:dr.primary");
    assert.ok(problem, JSON.stringify(found));
    assert.match(problem.message, /switchyard:dr\.primary is "north", which is not one of this stack's regions \(east, west\); set it to east or west/);
  });
});

describe("the local block's rules", () => {
  it("formProblems: one form or the other, complete", () => {
    const table: Array<[string, Parameters<typeof formProblems>[0], string[]]> = [
      ["one region", { ports: east.ports }, []],
      ["two regions", { front: regional.front, regions: { east, west } }, []],
      ["nothing", {}, ["ports"]],
      ["both", { ports: east.ports, address: "127.0.0.1", front: regional.front, regions: { east, west } }, ["address", "ports"]],
      ["regions alone", { regions: { east, west } }, ["front"]],
      ["front alone", { front: regional.front, ports: east.ports }, ["front"]],
      ["reversed", { front: regional.front, regions: { west, east } }, ["regions"]],
      ["same address", { front: regional.front, regions: { east, west: { ...west, address: east.address } } }, ["regions.west.address"]],
    ];
    for (const [what, block, paths] of table) assert.deepEqual(formProblems(block).map((p) => p.path.join(".")), paths, what);
  });

  it("clashProblems: every address:port differs; the same port on two addresses is fine", () => {
    assert.deepEqual(clashProblems({ front: { address: "127.0.0.1", port: 18181 }, regions: { east, west } }), []);
    assert.deepEqual(
      clashProblems({ front: { address: "127.0.2.1", port: 18193 }, regions: { east, west } }).map((p) => p.path.join(".")),
      ["regions.west.ports.green"],
    );
    assert.deepEqual(clashProblems({ address: "127.0.0.1", ports: { listen: 1, blue: 1, green: 2 } }), [{ path: ["ports"], message: "listen, blue and green ports must all differ" }]);
  });

  it("localRegionPair: alphabetical, whatever order a map arrives in", () => {
    assert.deepEqual(localRegionPair({ regions: { west, east } }), ["east", "west"]);
    assert.equal(localRegionPair({}), undefined);
  });

  it("the schema's output is the form that was written", () => {
    const one = localSchema.parse({ ports: east.ports });
    assert.equal(one.address, "127.0.0.1");
    const two = localSchema.parse(regional);
    assert.equal(two.ports, undefined);
    assert.deepEqual(Object.keys(two.regions ?? {}), ["east", "west"]);
  });

  it("refuses switchyard:dr on a one-region stack, which would be accepted and do nothing", () => {
    const found = problems({ ...base, "switchyard:local": { ports: { listen: 18080, blue: 18081, green: 18082 } }, "switchyard:dr": { primary: "north" } });
    assert.deepEqual(
      found.map((p) => [p.path, p.message]),
      [["switchyard:dr", "declares disaster recovery, but this stack has no standby region"]],
    );
    assert.match(found[0]!.fix!, /switchyard:local.regions .*or remove switchyard:dr/);
  });
});
