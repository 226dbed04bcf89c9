import assert from "node:assert/strict";
import { adminStateOf, adminStateOfBits, frontendStatusOf, parseServersState, parseServerStats } from "../../../components/local/runtime-api";

// Trimmed from HAProxy 2.6 `show stat`: the header plus rows of two backends.
const header =
  "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime";
function row(px: string, sv: string, status: string, weight: number, stot: number, h2: number, h5: number, rtime: number) {
  const f = new Array(62).fill("");
  Object.assign(f, { 0: px, 1: sv, 7: stot, 17: status, 18: weight, 40: h2, 43: h5, 60: rtime });
  return f.join(",");
}
const csv = [
  header,
  row("fe_hello", "FRONTEND", "OPEN", 0, 10, 0, 0, 0),
  row("be_hello", "blue", "UP", 90, 900, 880, 20, 3),
  row("be_hello", "green", "MAINT", 10, 100, 100, 0, 12),
  row("be_hello", "BACKEND", "UP", 100, 1000, 980, 20, 4),
  row("be_other", "blue", "UP", 1, 5, 5, 0, 1),
].join("\n");

describe("HAProxy runtime API parsing", () => {
  it("keeps the servers of one backend with their counters", () => {
    const stats = parseServerStats(csv, "be_hello");
    assert.deepEqual(
      stats.map((s) => [s.server, s.status, s.weight, s.sessionsTotal, s.responses5xx, s.responsesTotal, s.responseTimeMs]),
      [
        ["blue", "UP", 90, 900, 20, 900, 3],
        ["green", "MAINT", 10, 100, 0, 100, 12],
      ],
    );
  });

  it("rejects an answer without the expected columns", () => {
    assert.throws(() => parseServerStats("# pxname,svname\nbe,blue\n", "be"), /no column status/);
  });

  it("maps status to the administrative state an operator sets", () => {
    assert.equal(adminStateOf("MAINT"), "maint");
    assert.equal(adminStateOf("MAINT (resolution)"), "maint");
    assert.equal(adminStateOf("DRAIN"), "drain");
    assert.equal(adminStateOf("UP"), "ready");
    assert.equal(adminStateOf("DOWN"), "ready");
  });
});

// HAProxy 2.6 `show servers state be_hello`: blue moved to port 18199, green drained with its
// health check disabled (`disable health`: srv_check_state 2, configured but not enabled).
const serversState = [
  "1",
  "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port",
  "3 be_hello 1 blue 127.0.0.1 2 0 100 0 1 6 3 4 6 0 0 0 - 18199 - 0 0 - - 0",
  "3 be_hello 2 green 127.0.0.2 2 8 40 0 0 6 3 4 2 0 0 0 - 18102 - 0 0 - - 0",
  "4 be_other 1 blue 10.0.0.1 2 1 1 0 0 6 3 4 6 0 0 0 - 80 - 0 0 - - 0",
  "",
].join("\n");

describe("HAProxy runtime API: servers state", () => {
  it("gives each server of one backend its live address, port, weight, admin state and whether it is health-checked", () => {
    assert.deepEqual(parseServersState(serversState, "be_hello"), [
      { server: "blue", address: "127.0.0.1", port: 18199, weight: 100, adminState: "ready", checks: "enabled" },
      { server: "green", address: "127.0.0.2", port: 18102, weight: 40, adminState: "drain", checks: "disabled" },
    ]);
  });

  it("rejects an answer without a header (an error message, say)", () => {
    assert.throws(() => parseServersState("Can't find backend.\n", "be_x"), /gave no header: Can't find backend/);
  });

  const bits: [number, string][] = [
    [0x00, "ready"],
    [0x01, "maint"], // forced (set server ... state maint)
    [0x02, "maint"], // inherited from a tracked server
    [0x04, "maint"], // disabled in the configuration
    [0x08, "drain"], // forced (set server ... state drain)
    [0x10, "drain"],
    [0x20, "maint"], // address resolution failed
    [0x40, "maint"], // health check said maint
    [0x09, "maint"], // maint wins over drain
  ];
  for (const [value, state] of bits) {
    it(`srv_admin_state 0x${value.toString(16)} is ${state}`, () => assert.equal(adminStateOfBits(value), state));
  }

  it("reads a frontend's status from show stat", () => {
    assert.equal(frontendStatusOf(csv, "fe_hello"), "OPEN");
    assert.equal(frontendStatusOf(csv, "fe_none"), undefined);
  });
});
