/**
 * docs/deploy.md's walkthrough "From an empty configuration to a verified deployment", every command
 * as written, in a copy of the repository, against anvil as Sepolia and stand-ins of the explorers'
 * APIs; then what each explorer received, and an RPC URL that answers as another chain.
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Wallet, keccak256 } from "ethers";

import { CREATEX_ADDRESS, ROOT, type DeploymentRecord } from "../../../scripts/lib/deployment.js";
import { freePort, tempRecordsDir, type LocalNode } from "../../../scripts/lib/harness/node.js";
import { startExplorerStandIn, type ExplorerStandIn } from "../explorer-standin.js";
import {
  addConfigEntry,
  copyRepository,
  readWalkthrough,
  runInteractive,
  startAnvil,
} from "../walkthrough.js";
import { createX, describeDeploy, output } from "./support.js";

describeDeploy("docs/deploy.md: from an empty configuration to a verified deployment", function () {
  const SECTION = "From an empty configuration to a verified deployment";
  const PASSWORD = "correct horse battery staple";
  let chain: LocalNode;
  let explorers: ExplorerStandIn;
  let repo: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const deployer = Wallet.createRandom();
  const secrets: Record<string, string> = {};
  let record: DeploymentRecord;

  before(async function () {
    chain = await startAnvil(11155111); // Sepolia's chain id
    explorers = await startExplorerStandIn(await freePort());
    repo = copyRepository();
    home = tempRecordsDir();
    Object.assign(secrets, {
      SEPOLIA_RPC_URL: chain.url,
      SEPOLIA_DEPLOYER_PRIVATE_KEY: deployer.privateKey,
      ETHERSCAN_API_KEY: "STANDIN-KEY-1",
    });
    env = { ...process.env };
    // A deployer's shell: no CI (which turns the keystore off), no test-runner flags, no
    // variables of ours; a keystore of its own; explorers' APIs at the stand-in.
    for (const name of [
      "CI",
      "HH_TEST",
      "GRANTKIT_DEPLOYMENTS_DIR",
      "LOCALHOST_RPC_URL",
      ...Object.keys(secrets),
    ])
      delete env[name];
    // Nor the variables of the `npx hardhat test` that runs this: HARDHAT_CONFIG would load this
    // checkout's configuration, npm_config_local_prefix run this checkout's scripts.
    for (const name of Object.keys(env))
      if (/^(npm_|HARDHAT_)/.test(name) || name === "INIT_CWD") delete env[name];
    Object.assign(env, {
      XDG_CONFIG_HOME: home,
      FORCE_COLOR: "0",
      NO_COLOR: "1",
      ETHERSCAN_API_URL: explorers.etherscanApiUrl,
      BLOCKSCOUT_API_URL: explorers.blockscoutApiUrl,
      SOURCIFY_API_URL: explorers.sourcifyApiUrl,
    });
  });
  after(async function () {
    await chain?.stop();
    await explorers?.stop();
    for (const dir of [repo, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The keystore's prompts: its password, then (keystore set) the value of the key. */
  function answer(command: string) {
    const key = command.split(" ").at(-1)!;
    const setting = command.includes("keystore set");
    return (prompt: string) => {
      if (/^(Enter the password|Please confirm your password)$/.test(prompt)) {
        return { line: PASSWORD, last: !setting };
      }
      if (setting && prompt.startsWith("Enter secret to store")) {
        return { line: secrets[key]!, last: true };
      }
      return undefined;
    };
  }

  it("runs every command of the walkthrough as written, ending with a verified record", async function () {
    const walk = readWalkthrough(path.join(ROOT, "docs/deploy.md"), SECTION);
    expect(walk.commands).to.deep.equal([
      "npx hardhat keystore set SEPOLIA_RPC_URL",
      "npx hardhat keystore set SEPOLIA_DEPLOYER_PRIVATE_KEY",
      "npx hardhat keystore set ETHERSCAN_API_KEY",
      "npm run deploy -- --network sepolia --dry-run",
      "npm run deploy -- --network sepolia",
      "npm run verify -- --network sepolia",
    ]);
    addConfigEntry(repo, walk.configEntry);

    for (const command of walk.commands) {
      let r = await runInteractive(command, repo, env, answer(command));
      if (command.endsWith("--dry-run")) {
        // The doc says the first dry run finds the new deployer's balance empty: fund it (the
        // faucet), then run it again.
        expect(r.code, output(r)).to.equal(1);
        expect(r.stdout).to.contain(`deployer ${deployer.address}: no role`);
        expect(r.stdout).to.match(/balance 0\.0 ETH: NOT enough/);
        expect(r.stderr).to.contain(`the deployer ${deployer.address} has 0.0 ETH`);
        await chain.provider.send("anvil_setBalance", [deployer.address, "0x8ac7230489e80000"]);
        r = await runInteractive(command, repo, env, answer(command));
        expect(r.stdout).to.contain(
          "ready: npm run deploy -- --network sepolia deploys AccessGrants, IssuerRegistry",
        );
        expect(r.stdout).to.match(/^gas [\d,]+ \(AccessGrants [\d,]+, IssuerRegistry [\d,]+/m);
        expect(r.stdout).to.match(/^cost [\d.]+ ETH at the current gas price of [\d.]+ gwei/m);
        expect(r.stdout).to.match(/^balance 10\.0 ETH: enough$/m);
        expect(r.stdout).to.match(/^ {2}constructor arguments: 0x[0-9a-f]+ \(\d+ bytes\)$/m);
      }
      expect(r.code, `${command}\n${output(r)}`).to.equal(0);
    }

    record = JSON.parse(
      readFileSync(path.join(repo, "deployments", "sepolia.json"), "utf8"),
    ) as DeploymentRecord;
    expect(record.network).to.equal("sepolia");
    expect(record.chainId).to.equal(11155111);
    expect(record.finalityBlocks).to.equal(65);
    for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
      const c = record.contracts[name]!;
      expect(c.deployer).to.equal(deployer.address);
      expect(c.buildInfoId).to.match(/^solc-0_8_28-[0-9a-f]{40}$/);
      const code = (await chain.provider.send("eth_getCode", [c.address, "latest"])) as string;
      expect(keccak256(code)).to.equal(c.bytecodeHash);
      expect(Object.keys(c.verified ?? {}).sort()).to.deep.equal([
        "blockscout",
        "etherscan",
        "sourcify",
      ]);
      expect(c.verified!.etherscan!.url).to.equal(
        `https://sepolia.etherscan.io/address/${c.address}#code`,
      );
      expect(c.verified!.blockscout!.url).to.equal(
        `https://eth-sepolia.blockscout.com/address/${c.address}#code`,
      );
      expect(c.verified!.sourcify!.url).to.equal(
        `${explorers.sourcifyApiUrl}/repo-ui/11155111/${c.address}`,
      );
      expect(Date.parse(c.verified!.etherscan!.verifiedAt)).to.be.closeTo(Date.now(), 600_000);
    }
  });

  it("each explorer received the deploy's own standard-JSON input and constructor arguments", async function () {
    expect(record, "the walkthrough ran").to.not.equal(undefined);
    expect(explorers.submissions).to.have.length(6); // 2 contracts x 3 explorers
    for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
      const c = record.contracts[name]!;
      const buildInfo = JSON.parse(
        readFileSync(path.join(repo, "artifacts/build-info", `${c.buildInfoId}.json`), "utf8"),
      ) as { solcLongVersion: string; input: { settings: Record<string, unknown> } };
      const output = JSON.parse(
        readFileSync(
          path.join(repo, "artifacts/build-info", `${c.buildInfoId}.output.json`),
          "utf8",
        ),
      ) as {
        output: {
          contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
        };
      };
      const source = `project/${name === "AccessGrants" ? "contracts/AccessGrants.sol" : "contracts/IssuerRegistry.sol"}`;
      // What the deploy sent: CreateX.deployCreate2(salt, bytecode of this build ++ arguments).
      const tx = await chain.provider.getTransaction(c.txHash);
      const call = createX.parseTransaction({ data: tx!.data, value: tx!.value })!;
      const bytecode = "0x" + output.output.contracts[source]![name]!.evm.bytecode.object;
      expect(call.args[1]).to.equal(bytecode + c.constructorArgs.slice(2));

      const sent = explorers.submissions.filter((s) => s.address === c.address.toLowerCase());
      expect(sent.map((s) => s.explorer).sort()).to.deep.equal([
        "blockscout",
        "etherscan",
        "sourcify",
      ]);
      for (const s of sent) {
        // The very input that compiled the deployed bytecode (the plugin adds an empty
        // `libraries`), the compiler that compiled it, the contract's name in that input.
        const { libraries, ...settings } = s.input.settings;
        expect(libraries ?? {}).to.deep.equal({});
        expect({ ...s.input, settings }).to.deep.equal(buildInfo.input);
        expect(s.compilerVersion).to.equal(`v${buildInfo.solcLongVersion}`);
        expect(s.contractName).to.equal(`${source}:${name}`);
        if (s.explorer === "sourcify") {
          expect(s.chainId).to.equal("11155111");
          expect(s.creationTxHash).to.equal(c.txHash);
        } else {
          expect(s.constructorArguments).to.equal(c.constructorArgs.slice(2));
        }
        if (s.explorer === "etherscan") {
          expect(s.chainId).to.equal("11155111");
          expect(s.apiKey).to.equal(secrets.ETHERSCAN_API_KEY);
        }
      }
    }
  });

  it("a network whose RPC URL answers as another chain is refused before anything is sent", async function () {
    const wrong = await startAnvil(1);
    try {
      const blocks = Number(await wrong.provider.send("eth_blockNumber", []));
      // The environment wins over the keystore: SEPOLIA_RPC_URL now points at chain 1.
      for (const command of [
        "npm run deploy -- --network sepolia --dry-run",
        "npm run deploy -- --network sepolia",
        "npm run verify -- --network sepolia",
      ]) {
        const r = await runInteractive(
          command,
          repo,
          { ...env, SEPOLIA_RPC_URL: wrong.url },
          answer(command),
        );
        expect(r.code, output(r)).to.equal(1);
        expect(r.stderr, output(r)).to.contain(
          'error: network "sepolia" is Sepolia (chain 11155111), but its RPC URL answers as chain 1; nothing was sent (point SEPOLIA_RPC_URL at a Sepolia node: npx hardhat keystore set SEPOLIA_RPC_URL --force)',
        );
      }
      expect(Number(await wrong.provider.send("eth_blockNumber", []))).to.equal(blocks);
      expect(await wrong.provider.send("eth_getCode", [CREATEX_ADDRESS, "latest"])).to.equal("0x");
    } finally {
      await wrong.stop();
    }
  });
});
