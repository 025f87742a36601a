/**
 * `npm run switch-views -- --schema <new> --views-schema <served>` (`hardhat grantkit switch-views`):
 * the last step of a zero-downtime redeploy on PostgreSQL (docs/scale-out.md). Points the views
 * readers read at the schema a new `ponder start` indexed into, in one transaction, once that
 * schema has finished its backfill and is not behind the served one (scripts/lib/views.ts).
 * DATABASE_URL names the database.
 */
import { GrantKitError } from "../scripts/lib/errors.js";
import { switchViews } from "../scripts/lib/views.js";
import { runCli } from "./cli.js";

interface Args {
  schema: string;
  viewsSchema: string;
}

export default async function switchViewsTask(args: Args): Promise<void> {
  await runCli(async () => {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl)
      throw new GrantKitError(
        "DATABASE_URL is not set",
        "set it to the PostgreSQL the indexers write into: DATABASE_URL=postgres://… npm run switch-views -- …",
      );
    if (!args.schema || !args.viewsSchema)
      throw new GrantKitError(
        "--schema and --views-schema are both needed",
        "npm run switch-views -- --schema <the new indexer's schema> --views-schema <the schema readers read>",
      );
    const result = await switchViews({
      databaseUrl,
      schema: args.schema,
      viewsSchema: args.viewsSchema,
    });
    console.log(
      `${args.viewsSchema}: ${result.views} views now read ${args.schema}` +
        (result.from ? ` (before: ${result.from})` : " (new views schema)"),
    );
  });
}
