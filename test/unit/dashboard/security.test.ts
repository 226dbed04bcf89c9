import { strict as assert } from "node:assert";
import { hostsFor, judgeAction, judgeRead, type Guard, type RequestFacts } from "../../../automation/dashboard/security";

const TOKEN = "t0ken-of-this-run-0123456789abcdef";
const guard: Guard = { token: TOKEN, hosts: hostsFor("127.0.0.1", 7450) };
const HOST = "127.0.0.1:7450";
const read = (over: Partial<RequestFacts>) => judgeRead(guard, { method: "GET", host: HOST, ...over });
const act = (over: Partial<RequestFacts>) => judgeAction(guard, { method: "POST", host: HOST, origin: `http://${HOST}`, contentType: "application/json", cookieToken: TOKEN, headerToken: TOKEN, ...over });

describe("dashboard security: who may read and act", () => {
  it("reading: the cookie or the token in the address; the address's token sets the cookie", () => {
    assert.deepEqual(read({ cookieToken: TOKEN }), { allow: true, setCookie: false });
    assert.deepEqual(read({ queryToken: TOKEN }), { allow: true, setCookie: true });
    assert.deepEqual(read({ host: "localhost:7450", cookieToken: TOKEN }), { allow: true, setCookie: false });
  });

  const refusedReads: [string, Partial<RequestFacts>, number, RegExp][] = [
    ["no token", {}, 401, /no token/],
    ["a wrong token in the address", { queryToken: "guess" }, 401, /wrong token/],
    ["a wrong cookie", { cookieToken: `${TOKEN.slice(0, -1)}x` }, 401, /wrong token/],
    ["another Host (DNS rebinding)", { host: "evil.example:7450", cookieToken: TOKEN }, 400, /answers to/],
    ["another port in Host", { host: "127.0.0.1:9999", cookieToken: TOKEN }, 400, /answers to/],
    ["no Host", { host: undefined, cookieToken: TOKEN }, 400, /answers to/],
  ];
  for (const [name, facts, status, reason] of refusedReads) {
    it(`reading refused: ${name} (${status})`, () => {
      const verdict = read(facts);
      assert.equal(verdict.allow, false);
      if (!verdict.allow) {
        assert.equal(verdict.status, status);
        assert.match(verdict.reason, reason);
      }
    });
  }

  it("acting: same origin, the token in the header and the cookie, a JSON body", () => {
    assert.deepEqual(act({}), { allow: true, setCookie: false });
    // A browser may leave Origin out on same-origin requests; the header token still proves the page.
    assert.deepEqual(act({ origin: undefined }), { allow: true, setCookie: false });
  });

  const refusedActions: [string, Partial<RequestFacts>, number, RegExp][] = [
    ["a cross-origin POST (another site, the victim's cookie attached)", { origin: "http://evil.example", headerToken: undefined }, 403, /cross-origin/],
    ["a cross-origin POST even with the token", { origin: "http://evil.example" }, 403, /cross-origin/],
    ["a null origin (sandboxed frame, file:)", { origin: "null" }, 403, /cross-origin/],
    ["https origin of the same host", { origin: `https://${HOST}` }, 403, /cross-origin/],
    ["no header token (a plain form post)", { headerToken: undefined }, 401, /x-switchyard-token/],
    ["a wrong header token", { headerToken: "guess" }, 401, /x-switchyard-token/],
    ["the header token without the cookie", { cookieToken: undefined }, 401, /no token/],
    ["a form body", { contentType: "application/x-www-form-urlencoded" }, 400, /JSON/],
    ["a GET", { method: "GET" }, 400, /POST/],
    ["another Host", { host: "evil.example:7450", origin: "http://evil.example:7450" }, 400, /answers to/],
  ];
  for (const [name, facts, status, reason] of refusedActions) {
    it(`acting refused: ${name} (${status})`, () => {
      const verdict = act(facts);
      assert.equal(verdict.allow, false);
      if (!verdict.allow) {
        assert.equal(verdict.status, status);
        assert.match(verdict.reason, reason);
      }
    });
  }

  it("a bind address other than loopback is answered to as itself, IPv6 in brackets", () => {
    assert.ok(hostsFor("10.0.0.5", 80).has("10.0.0.5:80"));
    assert.ok(hostsFor("::1", 81).has("[::1]:81"));
    assert.ok(!hostsFor("127.0.0.1", 80).has("0.0.0.0:80"));
  });
});
