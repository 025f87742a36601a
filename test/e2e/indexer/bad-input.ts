/**
 * Checks of the indexer e2e suite: every REST route answers bad input with 400 {error} naming the
 * parameter (values out of the database's range with 400 or 404), never 500, and the indexer lives on.
 */
import { expect } from "chai";

import { lower, pool } from "../../../scripts/lib/harness/model/rng.js";
import { expectNoMismatch, type SuiteContext } from "./context.js";

export async function checkBadInput(ctx: SuiteContext): Promise<void> {
  const { stack, seq: s } = ctx;
  const g = [...s.grantsModel.values()][0]!;
  const A = lower(s.ownerList[0]!);
  const H = g.id;
  const c = stack.chainId;
  const cursorOf = (text: string) => Buffer.from(text).toString("base64url");
  const badCursors = ["!!!", "abc", cursorOf(`${c}-0xnothex-1`), cursorOf("x".repeat(50))];
  const badLimits = ["0", "101", "-1", "x", "1.5", ""];
  /** `param` set to each of `bad` after `prefix` (a path ending in ? or &): each refused, naming it. */
  const each = (prefix: string, param: string, bad: string[]): [string, string][] =>
    bad.map((v) => [`${prefix}${param}=${v}`, param]);
  const page = (base: string) => [
    ...each(base, "cursor", badCursors.map(encodeURIComponent)),
    ...each(base, "limit", badLimits),
  ];
  const cases: [string, string][] = [
    // /v1/grants
    ...each("/v1/grants?", "owner", ["0x123", "xyz"]),
    [`/v1/grants?grantee=0x${"g".repeat(40)}`, "grantee"],
    ["/v1/grants?purpose=", "purpose"],
    [`/v1/grants?purpose=${"a".repeat(201)}`, "purpose"],
    ["/v1/grants?dataHash=0x1234", "dataHash"],
    [`/v1/grants?dataHash=${H}00`, "dataHash"],
    ...each("/v1/grants?", "status", ["pending", "ACTIVE"]),
    ...each("/v1/grants?", "chainId", ["0", "-1", "x", "1.5", "99999999999"]),
    ["/v1/grants?contract=0x", "contract"],
    ["/v1/grants?foo=1", "foo"],
    ...page("/v1/grants?"),
    // /v1/grants/{chainId}/{grantId}
    [`/v1/grants/x/${H}`, "chainId"],
    [`/v1/grants/0/${H}`, "chainId"],
    [`/v1/grants/-1/${H}`, "chainId"],
    [`/v1/grants/${c}/0x12`, "grantId"],
    [`/v1/grants/${c}/not-a-hash`, "grantId"],
    [`/v1/grants/${c}/${H}?contract=0x12`, "contract"],
    [`/v1/grants/${c}/${H}?foo=1`, "foo"],
    // /v1/grants/{chainId}/{grantId}/at
    [`/v1/grants/${c}/${H}/at`, "block"],
    ...each(`/v1/grants/${c}/${H}/at?`, "block", ["-1", "x", "1e3", "99999999999999999999"]),
    ...each(`/v1/grants/${c}/${H}/at?`, "timestamp", ["-1", "x"]),
    [`/v1/grants/${c}/${H}/at?block=1&timestamp=1`, "timestamp"],
    [`/v1/grants/${c}/${H}/at?block=1&foo=1`, "foo"],
    [`/v1/grants/${c}/${H}/at?block=1&contract=0x12`, "contract"],
    [`/v1/grants/x/${H}/at?block=1`, "chainId"],
    [`/v1/grants/${c}/0x12/at?block=1`, "grantId"],
    // /v1/grantees/{grantee}/grants/at
    [`/v1/grantees/0x12/grants/at?chainId=${c}&block=1`, "grantee"],
    [`/v1/grantees/${A}/grants/at?block=1`, "chainId"],
    [`/v1/grantees/${A}/grants/at?chainId=x&block=1`, "chainId"],
    [`/v1/grantees/${A}/grants/at?chainId=${c}`, "block"],
    [`/v1/grantees/${A}/grants/at?chainId=${c}&block=-1`, "block"],
    [`/v1/grantees/${A}/grants/at?chainId=${c}&timestamp=x`, "timestamp"],
    [`/v1/grantees/${A}/grants/at?chainId=${c}&block=1&timestamp=1`, "timestamp"],
    [`/v1/grantees/${A}/grants/at?chainId=${c}&block=1&foo=1`, "foo"],
    ...page(`/v1/grantees/${A}/grants/at?chainId=${c}&block=1&`),
    // /v1/grantees/{grantee}/retention
    ["/v1/grantees/0x12/retention", "grantee"],
    [`/v1/grantees/${A}/retention?chainId=x`, "chainId"],
    [`/v1/grantees/${A}/retention?foo=1`, "foo"],
    ...page(`/v1/grantees/${A}/retention?`),
    // /v1/owners/{owner}/export
    ["/v1/owners/0x12/export", "owner"],
    [`/v1/owners/${A}/export?foo=1`, "foo"],
    // /v1/audit/changes
    ["/v1/audit/changes", "fromBlock"],
    ...each("/v1/audit/changes?", "fromBlock", ["-1", "x"]),
    ["/v1/audit/changes?toBlock=x", "toBlock"],
    ["/v1/audit/changes?fromTime=-1", "fromTime"],
    ["/v1/audit/changes?toTime=x", "toTime"],
    ["/v1/audit/changes?fromBlock=1&fromTime=1", "fromTime"],
    ["/v1/audit/changes?fromBlock=5&toBlock=1", "fromBlock"],
    ["/v1/audit/changes?fromBlock=0&format=xml", "format"],
    ["/v1/audit/changes?fromBlock=0&chainId=0", "chainId"],
    ["/v1/audit/changes?fromBlock=0&foo=1", "foo"],
    // /v1/issuers
    ["/v1/issuers?chainId=x", "chainId"],
    ["/v1/issuers?status=bogus", "status"],
    ["/v1/issuers?foo=1", "foo"],
    ...page("/v1/issuers?"),
    // /v1/issuers/{chainId}/{issuer}
    [`/v1/issuers/x/${A}`, "chainId"],
    [`/v1/issuers/${c}/0x12`, "issuer"],
    [`/v1/issuers/${c}/${A}?foo=1`, "foo"],
    // /v1/issuers/{chainId}/{issuer}/trusted
    [`/v1/issuers/${c}/${A}/trusted`, "type"],
    [`/v1/issuers/${c}/${A}/trusted?type=`, "type"],
    ...each(`/v1/issuers/${c}/${A}/trusted?type=kyc.basic&`, "at", ["-1", "x"]),
    [`/v1/issuers/${c}/${A}/trusted?type=kyc.basic&registry=0x12`, "registry"],
    [`/v1/issuers/${c}/${A}/trusted?type=kyc.basic&foo=1`, "foo"],
    [`/v1/issuers/${c}/0x12/trusted?type=kyc.basic`, "issuer"],
    [`/v1/issuers/x/${A}/trusted?type=kyc.basic`, "chainId"],
    // /v1/stats
    ["/v1/stats", "by"],
    ["/v1/stats?by=owner", "by"],
    ["/v1/stats?by=status&chainId=x", "chainId"],
    ["/v1/stats?by=status&limit=0", "limit"],
    ["/v1/stats?by=status&foo=1", "foo"],
  ];
  const problems: string[] = [];
  await pool(cases, 8, async ([path, param]) => {
    const answer = await stack.get<{ error?: unknown }>(path);
    const error = answer.body?.error;
    if (answer.status !== 400 || typeof error !== "string" || !error.includes(param)) {
      problems.push(
        `GET ${path}: ${answer.status} ${answer.text.slice(0, 200)} (want 400 naming "${param}")`,
      );
    } else if (!answer.contentType.includes("application/json")) {
      problems.push(`GET ${path}: content type ${answer.contentType}`);
    }
  });
  // Syntactically valid but out of range for the database, or not there: 400 or 404, never 500.
  const big = "2147483648";
  const edge = [
    `/v1/grants/${big}/${H}`,
    `/v1/grants/4294967296/${H}`,
    `/v1/grants?chainId=${big}`,
    `/v1/grants/${big}/${H}/at?block=1`,
    `/v1/grants/${c}/${H}/at?block=9223372036854775807`,
    `/v1/grantees/${A}/grants/at?chainId=${c}&block=9223372036854775807`,
    `/v1/grantees/${A}/grants/at?chainId=${big}&block=1`,
    `/v1/grantees/${A}/retention?chainId=${big}`,
    `/v1/issuers?chainId=${big}`,
    `/v1/issuers/${big}/${A}`,
    `/v1/issuers/${big}/${A}/trusted?type=kyc.basic&at=1`,
    `/v1/issuers/${c}/${A}/trusted?type=kyc.basic&at=281474976710655`,
    `/v1/stats?by=status&chainId=${big}`,
    `/v1/audit/changes?fromBlock=0&chainId=${big}`,
    `/v1/grants/999/${H}`,
  ];
  for (const path of edge) {
    const answer = await stack.get<{ error?: unknown }>(path);
    const okAnswer =
      answer.status === 200 ||
      ((answer.status === 400 || answer.status === 404) && typeof answer.body?.error === "string");
    if (!okAnswer) {
      // The indexer logs the cause of a 500: quote it.
      const cause = stack
        .logTail(400)
        .split("\n")
        .filter((l) => /out of range|error:/i.test(l))
        .pop();
      problems.push(
        `GET ${path}: ${answer.status} ${answer.text.slice(0, 200)}${cause ? ` (indexer log: ${cause.trim().slice(0, 200)})` : ""}`,
      );
    }
    if (path.startsWith("/v1/audit") && answer.status === 200 && answer.text.length > 0)
      problems.push(`GET ${path}: 200 with rows for a chain that is not indexed`);
  }
  // Questions about what the indexer does not hold: 404 saying so, never an empty 200 that reads as
  // "no grants" or "not trusted". A chain that is not indexed, a grant's state at a time past the
  // indexed head's (not known yet: a later block may change it; the trust check answers for any
  // time, as the registry's wasTrusted does), a registry that is not indexed.
  const future = "281474976710655";
  const unknown: [string, RegExp][] = [
    ...[
      `/v1/grantees/${A}/grants/at?chainId=1&timestamp=1`,
      "/v1/audit/count?fromBlock=0&chainId=1",
      "/v1/audit/changes?fromBlock=0&chainId=1",
      "/v1/stats?by=status&chainId=1",
      "/v1/stats/series?chainId=1",
      "/v1/issuers?chainId=1",
      `/v1/grantees/${A}/retention?chainId=1`,
      `/v1/issuers/1/${A}/trusted?type=kyc.basic&at=1`,
    ].map((path): [string, RegExp] => [path, /chain 1 is not indexed \(indexed: /]),
    [
      `/v1/grants/${c}/${H}/at?timestamp=${future}`,
      /^time 281474976710655 \(out of range\) on chain \d+ is not indexed yet: indexed to block \d+, at \d+ \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/,
    ],
    [`/v1/grantees/${A}/grants/at?chainId=${c}&timestamp=${future}`, /is not indexed yet/],
    [
      `/v1/issuers/${c}/${A}/trusted?type=kyc.basic&registry=${A}`,
      /registry 0x[0-9a-f]{40} has no credential type or issuer indexed on chain/,
    ],
  ];
  for (const [path, message] of unknown) {
    const answer = await stack.get<{ error?: unknown }>(path);
    const error = answer.body?.error;
    if (answer.status !== 404 || typeof error !== "string" || !message.test(error))
      problems.push(
        `GET ${path}: ${answer.status} ${answer.text.slice(0, 200)} (want 404 ${message})`,
      );
  }
  // A missing parameter is named as required (not zod's "expected string, received undefined"),
  // an enum's too; a rule across parameters keeps its own message.
  for (const [path, error] of [
    [`/v1/grantees/${A}/grants/at?block=1`, "chainId: is required"],
    ["/v1/stats", "by: is required"],
    ["/v1/search", "q: is required"],
    [`/v1/issuers/${c}/${A}/trusted`, "type: is required"],
    [
      "/v1/audit/count",
      "fromBlock: give a block range (fromBlock/toBlock) or a time range (fromTime/toTime), not both",
    ],
  ]) {
    const answer = await stack.get<{ error?: unknown }>(path!);
    if (answer.status !== 400 || answer.body?.error !== error)
      problems.push(`GET ${path}: ${answer.status} ${answer.text.slice(0, 200)} (want "${error}")`);
  }
  expect(stack.alive(), "the indexer survived the bad input").to.equal(true);
  expectNoMismatch(problems, "bad-input");
}
