/**
 * IssuerRegistry: the trust history (wasTrusted, getIssuerAt, historyLength), scripted and against
 * a JS model.
 */
import { expect } from "chai";

import {
  ethers,
  loadFixture,
  time,
  IssuerStatus,
  code,
  KYC,
  AML,
  ACCREDITED,
  UNKNOWN,
  CH,
  NO_CODE,
  META,
  type Rec,
  ZERO_REC,
  rec,
  plain,
  trustedIn,
  now,
  at,
  prng,
  deployRegistry,
  deployWithIssuer,
} from "./fixture.js";

describe("IssuerRegistry", function () {
  describe("history: wasTrusted / getIssuerAt / historyLength", function () {
    it("answers at, before and between every checkpoint of a scripted history", async function () {
      const f = await loadFixture(deployRegistry);
      const base = (await now()) + 100n;
      const [t1, t2, t3, t4, t5] = [base, base + 100n, base + 200n, base + 300n, base + 400n];
      const key = f.issuer.address;

      await at(t1, () => f.reg.addIssuer(key, [KYC], CH, 0, 0, META));
      await at(t2, () => f.reg.suspendIssuer(key));
      await at(t3, () => f.reg.restoreIssuer(key));
      await at(t4, () => f.reg.setIssuerTypes(key, [AML]));
      await at(t5, () => f.reg.removeIssuer(key));
      expect(await f.registry.historyLength(key)).to.equal(5n);

      const kycActive = rec({ typeBits: 1n });
      const states: [bigint, Rec][] = [
        [t1, kycActive],
        [t2, rec({ typeBits: 1n, status: IssuerStatus.Suspended })],
        [t3, kycActive],
        [t4, rec({ typeBits: 2n })],
        [t5, rec({ typeBits: 2n, status: IssuerStatus.Removed })],
      ];
      const expected = (t: bigint): Rec => {
        let r = ZERO_REC;
        for (const [ct, cr] of states) if (ct <= t) r = cr;
        return r;
      };
      const probes = [0n, 1n, t1 - 1n];
      for (const [ct] of states) probes.push(ct - 1n, ct, ct + 1n, ct + 50n);
      probes.push(t5 + 10_000n, 2n ** 48n - 1n);
      for (const t of probes) {
        const e = expected(t);
        expect(plain(await f.registry.getIssuerAt(key, t)), `getIssuerAt(${t})`).to.deep.equal(e);
        expect(await f.registry.wasTrusted(key, KYC, t), `wasTrusted(KYC, ${t})`).to.equal(
          trustedIn(e, 0, t),
        );
        expect(await f.registry.wasTrusted(key, AML, t), `wasTrusted(AML, ${t})`).to.equal(
          trustedIn(e, 1, t),
        );
      }
      // Spot checks, spelled out.
      expect(await f.registry.wasTrusted(key, KYC, t1 - 1n)).to.equal(false);
      expect(await f.registry.wasTrusted(key, KYC, t1)).to.equal(true);
      expect(await f.registry.wasTrusted(key, KYC, t2 - 1n)).to.equal(true);
      expect(await f.registry.wasTrusted(key, KYC, t2)).to.equal(false);
      expect(await f.registry.wasTrusted(key, KYC, t3)).to.equal(true);
      expect(await f.registry.wasTrusted(key, KYC, t4)).to.equal(false);
      expect(await f.registry.wasTrusted(key, AML, t4)).to.equal(true);
      expect(await f.registry.wasTrusted(key, AML, t5)).to.equal(false);
      expect(await f.registry.wasTrusted(key, UNKNOWN, t3)).to.equal(false);
    });

    it("applies the latest record beyond uint48 timestamps", async function () {
      const f = await loadFixture(deployWithIssuer);
      const key = f.issuer.address;
      for (const t of [2n ** 48n, 2n ** 64n, 2n ** 256n - 1n]) {
        expect(plain(await f.registry.getIssuerAt(key, t))).to.deep.equal(rec());
        expect(await f.registry.wasTrusted(key, KYC, t)).to.equal(true);
      }
      // A validUntil (uint40) is always before such a timestamp.
      await f.reg.setIssuerValidity(key, 0, 2n ** 40n - 1n);
      expect(await f.registry.wasTrusted(key, KYC, 2n ** 48n)).to.equal(false);
      await f.reg.setIssuerValidity(key, 0, 0);
      await f.reg.suspendIssuer(key);
      expect(plain(await f.registry.getIssuerAt(key, 2n ** 48n))).to.deep.equal(
        rec({ status: IssuerStatus.Suspended }),
      );
      expect(await f.registry.wasTrusted(key, KYC, 2n ** 48n)).to.equal(false);
      expect(plain(await f.registry.getIssuerAt(f.other.address, 2n ** 48n))).to.deep.equal(
        ZERO_REC,
      );
    });

    it("keeps one checkpoint per timestamp: two changes in one block leave the last state", async function () {
      const f = await loadFixture(deployWithIssuer);
      const key = f.issuer.address;
      const length = await f.registry.historyLength(key);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        await f.reg.suspendIssuer(key);
        await f.reg.setIssuerTypes(key, [ACCREDITED]);
        await ethers.provider.send("evm_mine", []);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const t = await now();
      expect(await f.registry.historyLength(key)).to.equal(length + 1n);
      expect(plain(await f.registry.getIssuerAt(key, t))).to.deep.equal(
        rec({ status: IssuerStatus.Suspended, typeBits: 0b100n }),
      );
      expect(plain(await f.registry.getIssuerAt(key, t - 1n))).to.deep.equal(rec());
    });

    it("matches a JS model over a seeded random history", async function () {
      const f = await loadFixture(deployRegistry);
      const rand = prng(0x5eed1234);
      const key = f.issuer.address;
      const types = [KYC, AML, ACCREDITED];
      const codes = [NO_CODE, CH, code("DE"), code("US")];
      const t0 = (await now()) + 100n;
      const checkpoints: [bigint, Rec][] = [];
      let state: Rec = ZERO_REC;
      let t = t0;

      const randomTypes = () => {
        const chosen = types.filter(() => rand.next() < 0.5);
        const bits = chosen.reduce((b, ty) => b | (1n << BigInt(types.indexOf(ty))), 0n);
        return { chosen, bits };
      };
      const randomWindow = () => {
        const from = rand.next() < 0.3 ? 0n : t0 + BigInt(rand.int(-50, 900));
        const until = rand.next() < 0.3 ? 0n : from + BigInt(rand.int(1, 400));
        return { from, until };
      };

      for (let i = 0; i < 31; i++) {
        t += BigInt(rand.int(1, 40));
        await time.setNextBlockTimestamp(t);
        if (i === 0) {
          const { chosen, bits } = randomTypes();
          await f.reg.addIssuer(key, chosen, CH, 0, 0, META);
          state = rec({ typeBits: bits });
        } else if (i === 30) {
          await f.reg.removeIssuer(key);
          state = { ...state, status: IssuerStatus.Removed };
        } else {
          const choice = rand.int(0, 3);
          if (choice === 0) {
            if (state.status === IssuerStatus.Active) {
              await f.reg.suspendIssuer(key);
              state = { ...state, status: IssuerStatus.Suspended };
            } else {
              await f.reg.restoreIssuer(key);
              state = { ...state, status: IssuerStatus.Active };
            }
          } else if (choice === 1) {
            const { chosen, bits } = randomTypes();
            await f.reg.setIssuerTypes(key, chosen);
            state = { ...state, typeBits: bits };
          } else if (choice === 2) {
            const { from, until } = randomWindow();
            await f.reg.setIssuerValidity(key, from, until);
            state = { ...state, validFrom: from, validUntil: until };
          } else {
            const c = codes[rand.int(0, codes.length - 1)]!;
            await f.reg.setIssuerJurisdiction(key, c);
            state = { ...state, jurisdiction: c };
          }
        }
        checkpoints.push([t, state]);
      }
      expect(await f.registry.historyLength(key)).to.equal(BigInt(checkpoints.length));

      const model = (q: bigint): Rec => {
        let r = ZERO_REC;
        for (const [ct, cr] of checkpoints) if (ct <= q) r = cr;
        return r;
      };
      const probes: bigint[] = [0n, t0 - 1000n, checkpoints[0]![0] - 1n];
      for (const [ct] of checkpoints) probes.push(ct, ct - 1n, ct + 1n);
      for (let i = 0; i < 80; i++) probes.push(t0 + BigInt(rand.int(-200, 1600)));
      probes.push(t + 5_000n, 2n ** 48n + 7n);

      let trustedSeen = 0;
      for (const q of probes) {
        const e = model(q);
        expect(plain(await f.registry.getIssuerAt(key, q)), `getIssuerAt(${q})`).to.deep.equal(e);
        for (let bit = 0; bit < types.length; bit++) {
          const want = trustedIn(e, bit, q);
          if (want) trustedSeen++;
          expect(
            await f.registry.wasTrusted(key, types[bit]!, q),
            `wasTrusted(bit ${bit}, ${q})`,
          ).to.equal(want);
        }
        expect(await f.registry.wasTrusted(key, UNKNOWN, q)).to.equal(false);
      }
      // The random history must exercise both answers.
      expect(trustedSeen).to.be.greaterThan(0);
    });
  });
});
