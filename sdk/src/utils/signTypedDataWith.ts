import type { Account, Address, Chain, Client, Hex, Transport } from "viem";
import { signTypedData } from "viem/actions";

import { AccountNotFoundError } from "../errors/base.js";

/**
 * Who signs: a viem account that signs by itself (a local account, or a smart account whose
 * `signTypedData` gives an ERC-1271 signature), or a wallet client (its account, or `account`).
 */
export type TypedDataSigner =
  | { signTypedData: (typedData: never) => Promise<Hex>; address: Address }
  | Client<Transport, Chain | undefined, Account | undefined>;

/** Who signs a message: `signer`, and the account when it is a wallet client with several. */
export type SignerParameters = {
  signer: TypedDataSigner;
  account?: Account | Address | undefined;
};

/** Signs EIP-712 typed data with any {@link TypedDataSigner}. */
export async function signTypedDataWith(
  signer: TypedDataSigner,
  typedData: object,
  account?: Account | Address | undefined,
): Promise<Hex> {
  if (
    "signTypedData" in signer &&
    typeof signer.signTypedData === "function" &&
    !("transport" in signer)
  ) {
    return signer.signTypedData(typedData as never);
  }
  const client = signer as Client<Transport, Chain | undefined, Account | undefined>;
  const from = account ?? client.account;
  if (!from) throw new AccountNotFoundError("signing");
  return signTypedData(client, { account: from, ...(typedData as object) } as never);
}
