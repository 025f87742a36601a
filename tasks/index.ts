/**
 * The project's Hardhat tasks, all under `grantkit`: deploy, start, and the operate commands.
 * Actions load lazily, so `hardhat --help` stays fast.
 */
import { emptyTask, task } from "hardhat/config";
import type { NewTaskDefinitionBuilder, TaskArguments } from "hardhat/types/tasks";

/** A string option whose empty default means "not given". */
const opt = <NameT extends string>(name: NameT, description: string) => ({
  name,
  description,
  defaultValue: "",
});

// Options shared by several commands, described once.
const FROM = {
  name: "from",
  description: "Sender: account index or address",
  defaultValue: "0",
} as const;
const ISSUER = opt("issuer", "Issuer key address");
const DATA_HASH = opt("dataHash", "Data hash (0x + 64 hex digits)");
const DATA_ID = opt("dataId", "Off-chain data id (with --salt) instead of --data-hash");
const SALT = opt("salt", "The data item's 32-byte secret salt");
const PURPOSE = opt("purpose", "Purpose label or 0x 32-byte purpose; empty = unspecified");
const LOCKED_UNTIL = opt(
  "lockedUntil",
  "Owner cannot revoke before (unix, ISO date or +<n>[smhd])",
);
const EXPIRES_AT = opt("expiresAt", "Grant ends at (unix, ISO date or +<n>[smhd])");
const GRANTEE = opt("grantee", "Grantee address");
const OWNER = opt("owner", "Owner address");
const TYPES = opt("types", "Credential type labels, comma-separated");

/** The options that name a grant's data item (its hash, or its id and salt) and its purpose. */
const grantItem = <ArgsT extends TaskArguments>(builder: NewTaskDefinitionBuilder<ArgsT>) =>
  builder.addOption(DATA_HASH).addOption(DATA_ID).addOption(SALT).addOption(PURPOSE);

/** The export `name` of a module of ./operate/ as a task's action, loaded when the task runs. */
const lazy =
  <ModuleT, NameT extends keyof ModuleT>(load: () => Promise<ModuleT>, name: NameT) =>
  async () => ({ default: (await load())[name] });
const issuer = () => import("./operate/issuer.js");
const grants = () => import("./operate/grants.js");
const signing = () => import("./operate/signing.js");

/** The issuer commands that take only the key and the sender: a change of the issuer's status. */
const ISSUER_STATUS = [
  ["issuer-suspend", "Suspend an Active issuer (registrar)", "issuerSuspend"],
  ["issuer-restore", "Restore a Suspended issuer (registrar)", "issuerRestore"],
  ["issuer-remove", "Remove an issuer key for good (registrar)", "issuerRemove"],
] as const;

export const tasks = [
  emptyTask("grantkit", "GrantKit deploy and operate commands").build(),
  task(
    ["grantkit", "deploy"],
    "Deploy AccessGrants and IssuerRegistry, write deployments/<network>.json",
  )
    .addFlag({
      name: "dryRun",
      description: "Print the plan (addresses, roles, issuers); send nothing",
    })
    .addFlag({ name: "examples", description: "Also deploy contracts/examples (KycVault)" })
    .addFlag({
      name: "replace",
      description:
        "Deploy new instances where the record's contracts live at other addresses (a changed configuration or build) and record them",
    })
    .addFlag({
      name: "allowDirty",
      description: "Deploy to a public chain from a work tree with uncommitted changes",
    })
    .setAction(() => import("./deploy.js"))
    .build(),
  task(
    ["grantkit", "verify"],
    "Verify the sources of deployments/<network>.json on the chain's explorers; note it in the record",
  )
    .addOption(
      opt(
        "explorer",
        "etherscan, blockscout, sourcify (comma-separated); empty = every one the chain has",
      ),
    )
    .setAction(() => import("./verify.js"))
    .build(),
  task(
    ["grantkit", "start"],
    "Run the whole product locally: chain, deploy, indexer (Ctrl-C stops)",
  )
    .addFlag({
      name: "demo",
      description: "Seed demo data: issuers and a few hundred grants over simulated months",
    })
    .addFlag({
      name: "verbose",
      description: "Print every line of the chain's output (each call, the dev accounts' keys)",
    })
    .setAction(() => import("./start.js"))
    .build(),
  task(
    ["grantkit", "list"],
    "Print the deployment record, the registry's admin, registrars, types and issuers",
  )
    .setAction(() => import("./operate/list.js"))
    .build(),
  task(["grantkit", "issuer-add"], "Accredit a new issuer (registrar)")
    .addOption(ISSUER)
    .addOption(TYPES)
    .addOption(opt("jurisdiction", "ISO 3166-1 alpha-2 code, e.g. CH"))
    .addOption(opt("validFrom", "Trusted from (unix, ISO date or +<n>[smhd])"))
    .addOption(opt("validUntil", "Trusted until, exclusive (unix, ISO date or +<n>[smhd])"))
    .addOption(opt("metadata", "Metadata hash (0x 32 bytes) or text to hash"))
    .addOption(FROM)
    .setAction(lazy(issuer, "issuerAdd"))
    .build(),
  ...ISSUER_STATUS.map(([name, description, action]) =>
    task(["grantkit", name], description)
      .addOption(ISSUER)
      .addOption(FROM)
      .setAction(lazy(issuer, action))
      .build(),
  ),
  task(["grantkit", "issuer-set-types"], "Replace an issuer's credential types (registrar)")
    .addOption(ISSUER)
    .addOption(TYPES)
    .addOption(FROM)
    .setAction(lazy(issuer, "issuerSetTypes"))
    .build(),
  task(["grantkit", "issuer-show"], "Print an issuer's record, trusted types and history")
    .addOption(ISSUER)
    .setAction(lazy(issuer, "issuerShow"))
    .build(),
  grantItem(
    task(
      ["grantkit", "grant"],
      "Grant access to a data item for a purpose (as the owner, --from)",
    ).addOption(GRANTEE),
  )
    .addOption(LOCKED_UNTIL)
    .addOption(EXPIRES_AT)
    .addOption(FROM)
    .setAction(lazy(grants, "grant"))
    .build(),
  grantItem(
    task(["grantkit", "revoke"], "Revoke a grant (as the owner, --from)").addOption(GRANTEE),
  )
    .addOption(FROM)
    .setAction(lazy(grants, "revoke"))
    .build(),
  grantItem(
    task(["grantkit", "release"], "Give up a grant (as the grantee, --from)").addOption(OWNER),
  )
    .addOption(FROM)
    .setAction(lazy(grants, "release"))
    .build(),
  grantItem(
    task(["grantkit", "check"], "Print whether a grant is active and its state")
      .addOption(OWNER)
      .addOption(GRANTEE),
  )
    .setAction(lazy(grants, "check"))
    .build(),
  grantItem(
    task(
      ["grantkit", "sign-grant"],
      "Sign a Grant request offline as the owner (--from); write it to --out",
    ).addOption(GRANTEE),
  )
    .addOption(LOCKED_UNTIL)
    .addOption(EXPIRES_AT)
    .addOption(opt("nonce", "Unused nonce of the owner; empty = random"))
    .addOption(
      opt(
        "generation",
        "The grant's current generation (lives so far; grantkit check shows it); empty = read it from the chain",
      ),
    )
    .addOption(opt("deadline", "Last valid time of the signature; empty = +1h"))
    .addOption(opt("out", "File to write the signed request to"))
    .addOption(FROM)
    .setAction(lazy(signing, "signGrant"))
    .build(),
  task(
    ["grantkit", "relay"],
    "Submit a signed Grant request (grantBySignature) as the relayer (--from)",
  )
    .addOption(opt("request", "File written by sign-grant"))
    .addOption(FROM)
    .setAction(lazy(signing, "relay"))
    .build(),
  task(
    ["grantkit", "export"],
    "Write a dApp bundle (ABIs, addresses, chain id, start blocks) to --out",
  )
    .addOption(opt("out", "Directory to write grantkit.<network>.json to"))
    .setAction(() => import("./operate/export.js"))
    .build(),
];
