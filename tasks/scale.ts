/**
 * The definitions of the scale-out commands, registered next to the tasks of ./index.ts in
 * hardhat.config.ts: `hardhat grantkit start-scale` (`npm run start:scale`) and
 * `hardhat grantkit switch-views` (`npm run switch-views`). The actions load lazily.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const scaleTasks = [
  task(
    ["grantkit", "start-scale"],
    "Run the scale-out topology locally: chain, deploy, PostgreSQL, one indexer, read replicas (Ctrl-C stops)",
  )
    .addFlag({
      name: "demo",
      description: "Seed demo data: issuers and a few hundred grants over simulated months",
    })
    .addOption({
      name: "replicas",
      description: "How many `ponder serve` read replicas (1 to 16)",
      type: ArgumentType.INT,
      defaultValue: 2,
    })
    .setAction(() => import("./start-scale.js"))
    .build(),
  task(
    ["grantkit", "switch-views"],
    "Point the views readers read at a new indexer's schema, in one transaction (DATABASE_URL)",
  )
    .addOption({
      name: "schema",
      description: "The schema the new `ponder start` indexed into",
      defaultValue: "",
    })
    .addOption({
      name: "viewsSchema",
      description: "The views schema the replicas read (`ponder serve --schema`)",
      defaultValue: "",
    })
    .setAction(() => import("./switch-views.js"))
    .build(),
];
