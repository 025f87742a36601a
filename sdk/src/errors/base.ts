import { BaseError } from "viem";

/** Parameters of {@link GrantKitError}. */
export type GrantKitErrorParameters = {
  /** What to do about it, in one sentence. */
  hint: string;
  /** The error this one wraps (a viem error, a fetch failure, ...). */
  cause?: Error | undefined;
  /** More context, one line each. */
  metaMessages?: string[] | undefined;
  /** The class name, for subclasses. */
  name?: string | undefined;
};

/**
 * The base of every error the SDK throws: a viem `BaseError` (so `walk`, `shortMessage`, `details`
 * work as in viem) with a `hint` that says what to do next.
 *
 * @example
 * try {
 *   await revoke(client, { grantee, dataHash, purpose });
 * } catch (error) {
 *   if (error instanceof GrantKitError) console.error(error.shortMessage, "->", error.hint);
 * }
 */
export class GrantKitError extends BaseError {
  /** What to do about it. */
  readonly hint: string;

  constructor(shortMessage: string, parameters: GrantKitErrorParameters) {
    super(shortMessage, {
      cause: parameters.cause,
      metaMessages: [`Hint: ${parameters.hint}`, ...(parameters.metaMessages ?? [])],
      name: parameters.name ?? "GrantKitError",
    });
    this.hint = parameters.hint;
  }
}

/** A parameter the SDK refuses before anything is sent (a malformed hash, milliseconds, ...). */
export class InvalidParameterError extends GrantKitError {
  /** The parameter's name, e.g. `salt` or `lockedUntil`. */
  readonly parameter: string;

  constructor(parameter: string, problem: string, hint: string) {
    super(`${parameter} ${problem}`, { hint, name: "InvalidParameterError" });
    this.parameter = parameter;
  }
}

/** No contract address was given and none is known for the chain. */
export class DeploymentNotFoundError extends GrantKitError {
  readonly chainId: number | undefined;

  constructor(contract: string, chainId: number | undefined) {
    super(
      chainId === undefined
        ? `no ${contract} address: the client has no chain and none was given`
        : `no ${contract} deployment is known for chain ${chainId}`,
      {
        hint: "pass `address`, or a deployment (grantkitActions({ deployment }) or `deployments`), e.g. from deploymentFromRecord(deployments/<network>.json)",
        name: "DeploymentNotFoundError",
      },
    );
    this.chainId = chainId;
  }
}

/** A write or a signature needs an account and none was given nor set on the client. */
export class AccountNotFoundError extends GrantKitError {
  constructor(action: string) {
    super(`${action} needs an account`, {
      hint: "pass `account`, or create the client with one (createWalletClient({ account, ... }))",
      name: "AccountNotFoundError",
    });
  }
}
