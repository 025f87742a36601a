/**
 * Checks HTTP answers against the REST API's OpenAPI document: the route's operation must declare
 * the status and the content type, and the body must validate against the declared schema (JSON
 * Schema 2020-12 with OpenAPI 3.1's own keywords, ajv). NDJSON is checked line by line; an answer
 * under /v1 that no operation matches (an unknown route's 404) must be the document's `Error`.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import formats from "ajv-formats";

// ajv-formats is CommonJS: imported as ESM, its plugin is the module's `default`.
const addFormats = formats.default;

type Schema = Record<string, unknown>;
export interface Operation {
  operationId: string;
  parameters?: { name: string; in: "path" | "query"; required?: boolean; schema: Schema }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  [extension: `x-${string}`]: unknown;
}
export interface OpenApiDocument {
  paths: Record<string, { get: Operation }>;
  components: { schemas: Record<string, Schema> };
}

/** An operation of the document with the regular expression its paths match. */
export interface Route {
  template: string;
  method: "get";
  operation: Operation;
  pattern: RegExp;
}

export function routesOf(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).map(([template, item]) => ({
    template,
    method: "get",
    operation: item.get,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+").replace(/\./g, "\\.")}$`),
  }));
}

export interface Answered {
  /** The request target (path and query) as sent. */
  target: string;
  status: number;
  contentType: string;
  text: string;
}

/** A checker of answers against `document`: what is wrong with one, or null. */
export function answerChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // OpenAPI 3.1's base dialect adds these annotation keywords to JSON Schema 2020-12.
  ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs"]);
  // Component references become $defs of each compiled schema.
  const defs = JSON.parse(
    JSON.stringify(document.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"),
  ) as Record<string, Schema>;
  const compiled = new Map<Schema, ValidateFunction>();
  const validator = (schema: Schema) => {
    let v = compiled.get(schema);
    if (!v) {
      const own = JSON.parse(
        JSON.stringify(schema).replaceAll("#/components/schemas/", "#/$defs/"),
      ) as Schema;
      v = ajv.compile({ ...own, $defs: defs });
      compiled.set(schema, v);
    }
    return v;
  };
  const errorSchema = { $ref: "#/components/schemas/Error" };
  const routes = routesOf(document);
  const problem = (v: ValidateFunction, value: unknown) =>
    v(value) ? null : ajv.errorsText(v.errors, { dataVar: "body" });

  return (answer: Answered): string | null => {
    const path = new URL(answer.target, "http://127.0.0.1").pathname;
    const media = answer.contentType.split(";")[0]!.trim().toLowerCase();
    const route = routes.find((r) => r.pattern.test(path));
    const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false };
      }
    };
    if (!route) {
      if (media !== "application/json") return `${answer.status} ${media}, not the Error body`;
      const body = parse(answer.text);
      return body.ok ? problem(validator(errorSchema), body.value) : "a body that is not JSON";
    }
    const name = route.operation.operationId;
    const response = route.operation.responses[String(answer.status)];
    if (!response) return `${name}: status ${answer.status} is not in the document`;
    const content = response.content?.[media];
    if (!content)
      return `${name} ${answer.status}: content type ${media} is not in the document (${Object.keys(response.content ?? {}).join(", ")})`;
    const v = validator(content.schema);
    if (media === "application/x-ndjson") {
      const lines = answer.text.split("\n");
      if (lines.pop() !== "") return `${name}: NDJSON not ending with a newline`;
      for (const line of lines) {
        const row = parse(line);
        const bad = row.ok ? problem(v, row.value) : "a line that is not JSON";
        if (bad) return `${name} ${answer.status} line ${line.slice(0, 200)}: ${bad}`;
      }
      return null;
    }
    if (media === "application/json") {
      const body = parse(answer.text);
      const bad = body.ok ? problem(v, body.value) : "a body that is not JSON";
      return bad ? `${name} ${answer.status}: ${bad}` : null;
    }
    const bad = problem(v, answer.text);
    return bad ? `${name} ${answer.status} ${media}: ${bad}` : null;
  };
}
