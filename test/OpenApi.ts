/**
 * The REST API's OpenAPI document, generated from the route definitions (indexer/src/api/spec/):
 * the committed copies are fresh, and the document says what clients rely on (`npm run lint:openapi`
 * runs Redocly's rules on it in CI).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { openApiFiles } from "../scripts/lib/openapi.js";

describe("OpenAPI document (indexer/src/api/spec/)", function () {
  this.timeout(60_000);

  it("indexer/openapi.json and sdk/src/indexer/api.ts equal what the definitions generate (npm run openapi)", async function () {
    for (const { file, text } of await openApiFiles())
      expect(readFileSync(file, "utf8"), `${path.basename(file)} is stale`).to.equal(text);
  });

  it("names every operation, declares every error answer and the public security, and serves from /", async function () {
    const [json] = await openApiFiles();
    const document = JSON.parse(json!.text) as {
      servers: { url: string }[];
      security: unknown[];
      info: { license: { identifier: string } };
      paths: Record<string, { get: { operationId: string; responses: Record<string, unknown> } }>;
    };
    expect(document.servers).to.deep.equal([
      { url: "/", description: "The indexer that serves this document" },
    ]);
    expect(document.security).to.deep.equal([]);
    expect(document.info.license.identifier).to.equal("MIT");
    const ids = Object.values(document.paths).map((p) => p.get.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const [route, { get }] of Object.entries(document.paths)) {
      expect(get.operationId, route).to.match(/^[a-z][A-Za-z]+$/);
      for (const status of ["200", "429", "500", "503"])
        expect(get.responses, `${route} ${status}`).to.have.property(status);
      const parameters = (get as { parameters?: unknown[] }).parameters ?? [];
      if (parameters.length > 0) expect(get.responses, `${route} 400`).to.have.property("400");
    }
  });
});
