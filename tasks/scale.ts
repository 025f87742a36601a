/**
 * The definition of `hardhat grantkit start-scale` (`npm run start:scale`), registered next to the
 * tasks of ./index.ts in hardhat.config.ts; the action (./start-scale.ts) loads lazily.
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
];
