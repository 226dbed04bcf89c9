import assert from "node:assert/strict";
import { adminStateOf, parseServerStats } from "../../../components/local/runtime-api";

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
