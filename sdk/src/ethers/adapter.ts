/**
 * ethers v6 → viem: a transport that sends JSON-RPC through an ethers provider and lets an ethers
 * signer sign and send, so every grantkit action works unchanged for a dApp built on ethers.
 */
import {
  createClient,
  custom,
  getAddress,
  type Account,
  type Address,
  type Chain,
  type Client,
  type CustomTransport,
  type Transport,
} from "viem";
import type { TypedDataDomain, TypedDataField } from "ethers";

import { grantkitActions, type GrantKitActions, type GrantKitActionsConfig } from "../decorator.js";

/** What the adapter needs of an ethers provider: `send` (JsonRpcProvider, BrowserProvider, Hardhat's). */
export type EthersProviderLike = { send(method: string, params: unknown[]): Promise<unknown> };

/** What the adapter needs of an ethers signer (any ethers v6 `Signer`). */
export type EthersSignerLike = {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
  sendTransaction(tx: Record<string, unknown>): Promise<{ hash: string }>;
};

const big = (v: unknown) => (typeof v === "string" ? BigInt(v) : undefined);

/** Finds a JSON-RPC error (code, message, data) inside an ethers error, for viem to decode. */
function rpcError(error: unknown): Error {
  const e = error as Record<string, unknown> & { info?: { error?: unknown }; error?: unknown };
  const inner = (e.info?.error ?? e.error ?? e) as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
  };
  const data = typeof e.data === "string" ? e.data : inner.data;
  const out = new Error(
    typeof inner.message === "string"
      ? inner.message
      : String((e as { message?: unknown }).message ?? error),
  ) as Error & {
    code: number;
    data: unknown;
  };
  out.code = typeof inner.code === "number" ? inner.code : 3;
  out.data = data;
  return out;
}

/**
 * A viem transport over an ethers provider; with a signer, `eth_accounts`, `eth_sendTransaction`
 * and `eth_signTypedData_v4` go to the signer (a Wallet, a BrowserProvider's signer, Hardhat's).
 *
 * @example
 * const client = createWalletClient({ transport: ethersTransport({ provider, signer }), account: await signer.getAddress() });
 */
export function ethersTransport(parameters: {
  provider: EthersProviderLike;
  signer?: EthersSignerLike | undefined;
}): CustomTransport {
  const { provider, signer } = parameters;
  return custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      const list = (params ?? []) as unknown[];
      try {
        if (signer && (method === "eth_accounts" || method === "eth_requestAccounts")) {
          return [await signer.getAddress()];
        }
        if (signer && method === "eth_sendTransaction") {
          const tx = list[0] as Record<string, unknown>;
          const sent = await signer.sendTransaction({
            to: tx.to,
            data: tx.data,
            value: big(tx.value),
            gasLimit: big(tx.gas),
            maxFeePerGas: big(tx.maxFeePerGas),
            maxPriorityFeePerGas: big(tx.maxPriorityFeePerGas),
            gasPrice: big(tx.gasPrice),
            nonce: tx.nonce === undefined ? undefined : Number(big(tx.nonce)),
          });
          return sent.hash;
        }
        if (signer && method === "eth_signTypedData_v4") {
          const typed = JSON.parse(list[1] as string) as {
            domain: TypedDataDomain;
            types: Record<string, TypedDataField[]>;
            message: Record<string, unknown>;
          };
          const { EIP712Domain: _, ...types } = typed.types;
          return await signer.signTypedData(typed.domain, types, typed.message);
        }
        return await provider.send(method, list);
      } catch (error) {
        throw rpcError(error);
      }
    },
  });
}

/**
 * A viem client with every grantkit action, from an ethers provider and (for writes and signatures)
 * an ethers signer.
 *
 * @example
 * import { BrowserProvider } from "ethers";
 * const provider = new BrowserProvider(window.ethereum);
 * const client = await createGrantKitClient({ provider, signer: await provider.getSigner(), deployment });
 * await client.grant({ grantee, dataHash, purpose });
 */
export async function createGrantKitClient(
  parameters: GrantKitActionsConfig & {
    provider: EthersProviderLike;
    signer?: EthersSignerLike | undefined;
    /** The viem chain, when known (else chain id checks ask the node). */
    chain?: Chain | undefined;
  },
): Promise<Client<Transport, Chain | undefined, Account | undefined> & GrantKitActions> {
  const { provider, signer, chain, ...config } = parameters;
  const account: Address | undefined = signer ? getAddress(await signer.getAddress()) : undefined;
  return createClient({ transport: ethersTransport({ provider, signer }), chain, account }).extend(
    grantkitActions(config),
  ) as never;
}
